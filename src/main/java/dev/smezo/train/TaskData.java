package dev.smezo.train;

import dev.smezo.forward.ForwardShape;
import dev.smezo.parallel.Group;
import dev.smezo.parallel.Parallel;
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
    private final Group group, evalGroup;

    TaskData(Task task, List<EncodedExample> train, List<EncodedExample> dev, List<EncodedExample> test,
             int batch, long seed, int nVocab) {
        this(task, train, dev, test, batch, seed, nVocab, Parallel.none());
    }

    /**
     * @param parallel with data parallel, each rank runs a contiguous share of a step's batch, at most
     *                 ceil(batch / ranks) examples, in a graph of that size; in any layout the ranks
     *                 split the evaluations (in forwards of that size)
     */
    TaskData(Task task, List<EncodedExample> train, List<EncodedExample> dev, List<EncodedExample> test,
             int batch, long seed, int nVocab, Parallel parallel) {
        Group group = parallel.data();
        if (batch < group.size()) {
            throw new IllegalArgumentException("--parallel data over " + group.size() + " ranks needs --batch " + group.size()
                    + " or more (each rank runs a share of the batch): --batch is " + batch);
        }
        this.group = group;
        this.evalGroup = parallel.group();
        this.task = task;
        this.train = train;
        this.dev = dev;
        this.test = test;
        this.batch = batch;
        this.nVocab = nVocab;
        List<EncodedExample> all = new ArrayList<>(train);
        all.addAll(dev);
        all.addAll(test);
        this.shape = CandidateBatch.shapeFor(all, perRank(), false);
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

    /** Examples a rank runs in one forward (the whole batch in one process). */
    private int perRank() {
        return (batch + group.size() - 1) / group.size();
    }

    @Override
    public Objective objective(long step) {
        List<EncodedExample> examples = batches.examples(train, step);
        if (group.size() == 1) return new TaskObjective(examples, task.loss(), shape, nVocab);
        // this rank's share; the batch loss sums every example's loss in batch order, whichever rank ran it
        TaskObjective mine = new TaskObjective(examples.subList(Group.shareStart(examples.size(), group.rank(), group.size()),
                Group.shareStart(examples.size(), group.rank() + 1, group.size())), task.loss(), shape, nVocab);
        return forwards -> TaskObjective.mean(group.allGatherDoubles(mine.exampleLosses(forwards.logits(mine.batch(), mine.shape()))));
    }

    @Override
    public Evaluator.Result evaluate(PerturbedModel model, boolean onTest) {
        List<EncodedExample> split = onTest ? test : dev;
        return split.isEmpty() ? null : Evaluator.evaluate(model, shape, task, split, perRank(), evalGroup);
    }
}
