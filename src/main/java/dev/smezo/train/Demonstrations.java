package dev.smezo.train;

import dev.smezo.task.Example;
import java.util.List;
import java.util.Random;

/**
 * In-context demonstrations (MeZO's ICL format): K training examples, each its prompt followed by
 * its correct answer, separated by blank lines, in front of every evaluated prompt.
 */
public final class Demonstrations {
    private Demonstrations() {}

    /** The context for {@code shots} demonstrations drawn (seeded) from {@code train}; "" for none. */
    public static String context(List<Example> train, int shots, long seed) {
        if (shots <= 0) return "";
        if (train.isEmpty()) throw new IllegalArgumentException("--shots needs training examples, and the task has none");
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shots; i++) {
            Example e = train.get(r.nextInt(train.size()));
            sb.append(e.prompt()).append(e.answer()).append("\n\n");
        }
        return sb.toString();
    }
}
