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

    /**
     * The records of a generated split: the field maps shuffled (Fisher-Yates with the generator's
     * own Random, so the order is part of the seed's output) and numbered: ids "train-0", ... and
     * 1-based line numbers for error messages.
     */
    static List<Record> shuffleAndNumber(List<Map<String, Object>> made, java.util.Random random, Split split,
                                         String source) {
        List<Map<String, Object>> fields = new java.util.ArrayList<>(made);
        for (int i = fields.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Map<String, Object> t = fields.get(i);
            fields.set(i, fields.get(j));
            fields.set(j, t);
        }
        List<Record> out = new java.util.ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            String id = split.name().toLowerCase() + "-" + i;
            out.add(new Record(source, i + 1, id, id, fields.get(i)));
        }
        return out;
    }

    static List<Record> generate(Source.Generated g, Split split) {
        Generator gen = BY_NAME.get(g.generator());
        if (gen == null) {
            throw new TaskDataException("generated:" + g.generator(), 0, null, "no such generator; known: " + BY_NAME.keySet());
        }
        return gen.generate(split, g.seed(), split == Split.TRAIN ? g.train() : g.validation());
    }
}
