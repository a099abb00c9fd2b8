package dev.smezo.train;

import dev.smezo.forward.Batch;
import dev.smezo.forward.ForwardShape;
import java.lang.foreign.MemorySegment;

/**
 * What a step minimizes on its batch. The loss runs the forwards it needs through {@link Forwards}
 * (one for a task batch; one per micro-batch for sequence data), all at the same perturbation.
 */
public interface Objective {
    /** Runs a batch at the step's current perturbation and returns its logits (rows of n_vocab floats). */
    @FunctionalInterface
    interface Forwards {
        MemorySegment logits(Batch batch, ForwardShape shape);
    }

    /** The loss at the current perturbation; NaN when it is not finite (the step is skipped). */
    double loss(Forwards forwards);
}
