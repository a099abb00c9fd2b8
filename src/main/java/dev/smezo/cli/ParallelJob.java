package dev.smezo.cli;

import dev.smezo.parallel.Mpi;
import dev.smezo.parallel.Parallel;
import dev.smezo.parallel.StartupCheck;
import dev.smezo.train.Trainer;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * A command run as one rank of an MPI job (`train --parallel`): joins the job, runs the command, and
 * ends the job the way its ranks need. A failure every rank saw alike (a start-up mismatch, a
 * divergence) ends each rank with the same code, rank 0 alone saying why; a failure of one rank ends
 * the whole job (MPI_Abort) instead of leaving the others waiting; a job that ends before the run
 * does (a rank died, mpirun stopped it) makes rank 0 say how to resume.
 */
final class ParallelJob {
    /** The command's work on this rank. */
    @FunctionalInterface
    interface Body {
        int run(Parallel parallel) throws Exception;
    }

    private ParallelJob() {}

    /** @param resumeHint what rank 0 prints if the job ends early ("smezo train M --resume DIR") */
    static int run(String mode, Body body, Supplier<String> resumeHint, CommandLine cl) throws Exception {
        Parallel.Mode m;
        try {
            m = Parallel.Mode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.EXIT_USAGE, e.getMessage());
        }
        Parallel par = Parallel.open(m);
        if (par.group().size() == 1) {
            if (m != Parallel.Mode.NONE) {
                System.err.println("smezo: --parallel " + m.cliName() + (Mpi.launched() ? " in a job of one rank"
                        : ": not started by mpirun or srun") + "; running as one process");
            }
            try (par) {
                return body.run(par);
            }
        }
        Thread notice = par.group().leader() ? new Thread(() -> System.err.println("smezo: the MPI job ended before the run "
                + "finished (a rank died or the job was stopped); the run directory is resumable: " + resumeHint.get())) : null;
        if (notice != null) Runtime.getRuntime().addShutdownHook(notice);
        int code;
        try {
            code = body.run(par);
        } catch (StartupCheck.Mismatch | Trainer.DivergedException e) {
            code = e instanceof StartupCheck.Mismatch ? Main.EXIT_BAD_INPUT : Main.EXIT_DIVERGED;
            if (par.group().leader()) code = new Errors().handleExecutionException(e, cl, null);
        } catch (Exception e) {
            System.err.println("smezo: rank " + par.group().rank() + " of " + par.group().size() + " failed; ending the job");
            int lone = new Errors().handleExecutionException(e, cl, null);
            System.err.flush();
            par.group().abort(lone);
            return lone;
        } finally {
            if (notice != null) Runtime.getRuntime().removeShutdownHook(notice);
        }
        par.close();
        return code;
    }
}
