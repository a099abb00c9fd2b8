package dev.smezo.task;

import java.util.List;
import java.util.Map;

/**
 * Tasks whose records are made by code rather than read from files, by generator name. A generator
 * is a pure function of (split, seed, count): the same arguments give the same records on every run.
 */
final class Generators {
    /** Makes {@code count} records of {@code split} from {@code seed}. */
    @FunctionalInterface
    interface Generator {
        List<Record> generate(Split split, long seed, int count);
    }

    private static final Map<String, Generator> BY_NAME = Map.of(
            TinyStoriesSentiment.NAME, TinyStoriesSentiment::generate,
            TinyStoriesFeelings.NAME, TinyStoriesFeelings::generate,
            SyntheticKeywords.NAME, SyntheticKeywords::generate);

    private Generators() {}

    static List<Record> generate(Source.Generated g, Split split) {
        Generator gen = BY_NAME.get(g.generator());
        if (gen == null) {
            throw new TaskDataException("generated:" + g.generator(), 0, null, "no such generator; known: " + BY_NAME.keySet());
        }
        return gen.generate(split, g.seed(), split == Split.TRAIN ? g.train() : g.validation());
    }
}
