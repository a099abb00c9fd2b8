package dev.smezo.train;

import dev.smezo.parallel.Group;
import dev.smezo.parallel.Parallel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a parallel run's steps (not its evaluations) exchanged between ranks, for summary.json and
 * benchmarks/mpi.sh: rank 0's collectives, bytes and seconds in them, per step. Nothing for one process.
 */
final class StepExchange {
    private final Parallel parallel;
    private Group.Traffic total = new Group.Traffic(0, 0, 0, 0);
    private long steps;

    StepExchange(Parallel parallel) {
        this.parallel = parallel;
    }

    /** The traffic so far, before a step (null for one process: nothing to count). */
    Group.Traffic before() {
        return parallel.group().size() > 1 ? parallel.group().traffic() : null;
    }

    /** After the step that {@link #before} preceded. */
    void after(Group.Traffic before) {
        steps++;
        if (before != null) total = total.plus(parallel.group().traffic().minus(before));
    }

    /** The summary's "parallel" record; null for one process. */
    Map<String, Object> summary() {
        if (parallel.group().size() == 1) return null;
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("mode", parallel.mode().cliName());
        p.put("ranks", (long) parallel.group().size());
        p.put("steps", steps);
        p.put("collectives_per_step", steps == 0 ? null : (double) total.calls() / steps);
        p.put("bytes_sent_per_step", steps == 0 ? null : (double) total.bytesSent() / steps);
        p.put("bytes_received_per_step", steps == 0 ? null : (double) total.bytesReceived() / steps);
        p.put("comm_seconds_per_step", steps == 0 ? null : total.nanos() / 1e9 / steps);
        return p;
    }
}
