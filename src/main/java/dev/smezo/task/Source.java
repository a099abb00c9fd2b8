package dev.smezo.task;

import java.nio.file.Path;

/** Where a task's raw records come from. */
public sealed interface Source {

    /**
     * Data files. Paths resolve against {@code baseDir} when set (a user task: the task file's
     * directory), else against the data directory given at load time (built-ins: {@code superglue/});
     * {@code dir} (may be null) is a subdirectory between the two. {@code train} is null when the task
     * ships no train file (BoolQ here).
     */
    record Files(DataFormat format, Path baseDir, String dir, String train, String validation) implements Source {
        public Files {
            if (validation == null) throw new IllegalArgumentException("a task needs a validation file");
        }

        /** The file of {@code split}, or null when there is none. */
        public Path path(Split split, Path dataDir) {
            String name = split == Split.TRAIN ? train : validation;
            if (name == null) return null;
            Path base = baseDir != null ? baseDir : dataDir;
            if (base == null) base = Path.of("");
            if (dir != null) base = base.resolve(dir);
            return base.resolve(name);
        }
    }

    /**
     * Records made by code: {@code generator} names a {@link Generators} entry, which makes
     * {@code train} and {@code validation} records from {@code seed} (the data's identity; the run
     * seed only samples from them).
     */
    record Generated(String generator, long seed, int train, int validation) implements Source {
        public Generated {
            if (train <= 0 || validation <= 0) throw new IllegalArgumentException("generated split sizes must be positive");
        }
    }
}
