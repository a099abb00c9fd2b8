package dev.smezo.train;

import dev.smezo.forward.Batch;
import dev.smezo.forward.ForwardShape;
import java.lang.foreign.MemorySegment;

/** What a step minimizes on its batch: the batch to run, and the loss from its logits. */
public interface Objective {
    /** The tokens to run and the positions whose logits the loss needs. */
    Batch batch();

    /** The graph shape to run it in (fixed for a run, so graphs are built once). */
    ForwardShape shape();

    /** The loss from the logits of the batch's output positions (rows of n_vocab floats, in order). */
    double loss(MemorySegment logits);
}
