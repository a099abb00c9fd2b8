package dev.smezo.parallel;

import java.util.Locale;

/**
 * How a run is spread over processes: not at all; {@code data} (each step's batch split over the
 * ranks, their losses gathered in batch order); {@code directions} (each step's n-SPSA directions
 * split over the ranks, their losses gathered). In both, ranks exchange a few doubles per forward
 * and every rank applies every update, so each holds the same weights and the run is the one-process
 * run, bit for bit. Not part of a run's config: a run may be resumed with another layout.
 */
public record Parallel(Mode mode, Group group) implements AutoCloseable {
    public enum Mode {
        NONE, DATA, DIRECTIONS;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode parse(String s) {
            for (Mode m : values()) if (m.cliName().equals(s)) return m;
            throw new IllegalArgumentException("--parallel " + s + ": expected none, data or directions");
        }
    }

    public static Parallel none() {
        return new Parallel(Mode.NONE, Group.single());
    }

    /**
     * Joins the MPI job this process was launched in (one process when no launcher started it, or
     * with mode none: MPI is not loaded then).
     */
    public static Parallel open(Mode mode) {
        if (mode == Mode.NONE || !Mpi.launched()) return new Parallel(mode, Group.single());
        return new Parallel(mode, Mpi.join());
    }

    /** The group a step's batch is split over (one process unless data parallel). */
    public Group data() {
        return mode == Mode.DATA ? group : Group.single();
    }

    /** The group a step's directions are split over (one process unless perturbation parallel). */
    public Group directions() {
        return mode == Mode.DIRECTIONS ? group : Group.single();
    }

    @Override
    public void close() {
        group.close();
    }
}
