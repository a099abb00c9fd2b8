package dev.smezo.train;

import dev.smezo.forward.ForwardShape;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.task.Task;
import java.util.ArrayList;
import java.util.List;

/** A task's encoded splits: each step one batch of examples, every graph of one shape. */
final class TaskData implements RunData {
    private final Task task;
    private final List<EncodedExample> train, dev, test;
    private final ForwardShape shape;
    private final BatchSchedule batches;
    private final int batch;
    private final int nVocab;

    TaskData(Task task, List<EncodedExample> train, List<EncodedExample> dev, List<EncodedExample> test,
             int batch, long seed, int nVocab) {
        this.task = task;
        this.train = train;
        this.dev = dev;
        this.test = test;
        this.batch = batch;
        this.nVocab = nVocab;
        List<EncodedExample> all = new ArrayList<>(train);
        all.addAll(dev);
        all.addAll(test);
        this.shape = CandidateBatch.shapeFor(all, batch, false);
        this.batches = new BatchSchedule(train.size(), batch, seed);
    }

    @Override
    public String name() {
        return task.name();
    }

    @Override
    public ForwardShape largest() {
        return shape;
    }

    @Override
    public boolean variableShapes() {
        return false;
    }

    @Override
    public Objective objective(long step) {
        return new TaskObjective(batches.examples(train, step), task.loss(), shape, nVocab);
    }

    @Override
    public Evaluator.Result evaluate(PerturbedModel model, boolean onTest) {
        List<EncodedExample> split = onTest ? test : dev;
        return split.isEmpty() ? null : Evaluator.evaluate(model, shape, task, split, batch);
    }
}
