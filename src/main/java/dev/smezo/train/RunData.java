package dev.smezo.train;

import dev.smezo.forward.ForwardShape;
import dev.smezo.perturb.PerturbedModel;

/** What a run trains and evaluates on: a task's examples ({@link TaskData}) or JSONL sequences ({@link SequenceData}). */
interface RunData {
    /** The name runs and summaries show (the task, or the training file). */
    String name();

    /** The largest forward a step or an evaluation runs (for the memory plan and the compute buffer). */
    ForwardShape largest();

    /** Do forwards come in several shapes (then they share one compute buffer)? */
    boolean variableShapes();

    /** Step s's loss on its batch. */
    Objective objective(long step);

    /** Dev ({@code test} false) or test metrics at the current weights; null when that split is empty. */
    Evaluator.Result evaluate(PerturbedModel model, boolean test);
}
