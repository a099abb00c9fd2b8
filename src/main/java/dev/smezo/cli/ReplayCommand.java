package dev.smezo.cli;

import dev.smezo.train.Replay;
import dev.smezo.train.Trajectory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "replay",
        description = {
            "Rebuild fine-tuned weights from the base model and a run's trajectory.jsonl alone: every logged "
                    + "update (seed, g, lr) is applied again with the run's masks. The result is byte-identical "
                    + "to the run's own checkpoint after the same steps; no forward pass runs.",
            "",
            "Example:  smezo replay base.gguf runs/rte/trajectory.jsonl -o rte-finetuned.gguf"},
        mixinStandardHelpOptions = true)
final class ReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BASE", description = "The base GGUF the run started from.")
    Path base;

    @Parameters(index = "1", paramLabel = "TRAJECTORY", description = "The run's trajectory.jsonl.")
    Path trajectory;

    @Option(names = {"-o", "--output"}, required = true, description = "GGUF to write (atomically).")
    Path output;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        Trajectory.Log log = Trajectory.read(trajectory);
        Progress progress = new Progress("replay", log.steps().size());
        long steps = Replay.toFile(base, trajectory, log, output, threads.resolve(), done -> progress.update(done, ""));
        System.err.println("replayed " + steps + " steps onto " + base + " -> " + output);
        return Main.EXIT_OK;
    }
}
