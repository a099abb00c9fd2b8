package dev.smezo.task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code synthetic-keywords}: a task a randomly initialized model can learn, for `smezo demo` when
 * no real model is at hand. A prompt is a few filler "words" (two-letter strings, single tokens in
 * the vocabulary `smezo synth` writes) and ends with a keyword; eight keywords mean " x", eight
 * others " y". Learning it means routing the last token's identity to the two answer logits, which
 * zeroth-order training does in a few hundred steps (measured: tiny synthetic model, MeZO lr 1e-3,
 * 59% -> 93% held-out in 600 steps; S-MeZO lr 1e-2 with thresholds refreshed every 20 steps, 89%).
 * Held-out prompts differ in their fillers; the keywords are what is learned.
 *
 * <p>Records are a pure function of (split, seed, count): {@code new Random(seed + split.ordinal() *
 * 0x9E3779B97F4A7C15L)}; labels alternate before a seeded shuffle, so they are balanced.
 */
final class SyntheticKeywords {
    static final String NAME = "synthetic-keywords";

    private SyntheticKeywords() {}

    static List<Record> generate(Split split, long seed, int count) {
        List<String> words = new ArrayList<>();
        for (char a = 'a'; a <= 'c'; a++) for (char b = 'a'; b <= 'z'; b++) words.add("" + a + b);
        List<String> classX = words.subList(0, 8), classY = words.subList(8, 16), filler = words.subList(16, 60);
        Random r = new Random(seed + split.ordinal() * 0x9E3779B97F4A7C15L);
        String source = "generated:" + NAME + "/" + split.name().toLowerCase();
        List<Map<String, Object>> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean x = i % 2 == 0;
            StringBuilder text = new StringBuilder();
            int n = 2 + r.nextInt(4);
            for (int k = 0; k < n; k++) text.append(filler.get(r.nextInt(filler.size()))).append(' ');
            text.append((x ? classX : classY).get(r.nextInt(8)));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("text", text.toString());
            f.put("label", x ? "x" : "y");
            out.add(f);
        }
        return Generators.shuffleAndNumber(out, r, split, source);
    }
}
