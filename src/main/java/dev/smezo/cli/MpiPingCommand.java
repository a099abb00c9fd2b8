package dev.smezo.cli;

import dev.smezo.parallel.Group;
import dev.smezo.parallel.Mpi;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The exchange a parallel step makes, alone: an all-gather of {@code --bytes} per rank, repeated, under
 * mpirun. What it costs per call is the communication price of a step (a data-parallel step makes two,
 * a directions step one), apart from the ranks waiting for each other. Hidden: a benchmark's tool.
 */
@Command(name = "mpi-ping", hidden = true, mixinStandardHelpOptions = true,
        description = "Time MPI all-gathers of a step's message size (run it under mpirun).")
final class MpiPingCommand implements Callable<Integer> {
    @Option(names = "--bytes", defaultValue = "128", description = "Bytes each rank sends per call (default: ${DEFAULT-VALUE}).")
    int bytes;

    @Option(names = "--calls", defaultValue = "2000", description = "Timed calls (default: ${DEFAULT-VALUE}).")
    int calls;

    @Override
    public Integer call() {
        if (!Mpi.launched()) throw new CliException(Main.EXIT_USAGE, "mpi-ping runs under mpirun or srun");
        try (Mpi mpi = Mpi.join()) {
            byte[] msg = new byte[bytes];
            for (int i = 0; i < 100; i++) mpi.allGather(msg);   // warm-up
            Group.Traffic before = mpi.traffic();
            for (int i = 0; i < calls; i++) mpi.allGather(msg);
            Group.Traffic d = mpi.traffic().minus(before);
            if (mpi.leader()) {
                System.out.printf(Locale.ROOT, "ranks %d, %d bytes per rank: %.1f us per all-gather, %d bytes sent and %d received per call%n",
                        mpi.size(), bytes, d.nanos() / 1e3 / calls, d.bytesSent() / calls, d.bytesReceived() / calls);
            }
        }
        return Main.EXIT_OK;
    }
}
