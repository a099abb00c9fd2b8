package dev.smezo.parallel;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Before step 1 every rank must be about to run the same thing: the same code, base model, config and
 * (on a resume) the same trajectory. Each rank's facts are gathered and compared with rank 0's; a
 * difference is refused on every rank alike, naming the rank, the fact and both values.
 */
public final class StartupCheck {
    private StartupCheck() {}

    /** Some rank differs; thrown on every rank alike. */
    public static final class Mismatch extends IllegalArgumentException {
        Mismatch(String message) {
            super(message);
        }
    }

    /** What a rank states about itself (computed only when there are other ranks: hashing the jar costs start-up time). */
    @FunctionalInterface
    public interface Facts {
        Map<String, String> get() throws java.io.IOException;
    }

    /** @throws Mismatch on every rank when some rank's facts differ from rank 0's */
    public static void require(Group group, Facts facts) throws java.io.IOException {
        if (group.size() == 1) return;
        byte[][] all = group.allGather(encode(facts.get()).getBytes(StandardCharsets.UTF_8));
        Map<String, String> zero = decode(new String(all[0], StandardCharsets.UTF_8));
        for (int r = 1; r < all.length; r++) {
            Map<String, String> other = decode(new String(all[r], StandardCharsets.UTF_8));
            String diff = difference(zero, other);
            if (diff != null) {
                throw new Mismatch("rank " + r + " of " + all.length + " is not running what rank 0 is: "
                        + diff + " (every rank needs the same smezo, model file, options and run directory)");
            }
        }
    }

    /** The first fact that differs, as "KEY: RANK0 vs OTHER", or null. */
    static String difference(Map<String, String> zero, Map<String, String> other) {
        Map<String, String> keys = new LinkedHashMap<>(zero);
        other.forEach(keys::putIfAbsent);
        for (String k : keys.keySet()) {
            String a = zero.get(k), b = other.get(k);
            if (a == null ? b != null : !a.equals(b)) return k + ": " + a + " on rank 0, " + b + " there";
        }
        return null;
    }

    private static String encode(Map<String, String> facts) {
        StringBuilder sb = new StringBuilder();
        facts.forEach((k, v) -> sb.append(k.replace('\n', ' ')).append('\t').append(String.valueOf(v).replace('\n', ' ')).append('\n'));
        return sb.toString();
    }

    private static Map<String, String> decode(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : s.split("\n")) {
            int t = line.indexOf('\t');
            if (t >= 0) m.put(line.substring(0, t), line.substring(t + 1));
        }
        return m;
    }
}
