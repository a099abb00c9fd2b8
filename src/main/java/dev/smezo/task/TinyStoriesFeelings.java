package dev.smezo.task;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code tinystories-feelings}: the task smezo's learning test and demo use on stories260K. A short
 * story in TinyStories language ends with what the child did, and the prompt asks how they felt:
 * <pre>
 *   One day, Lily went to the park. She giggled. She felt        -> " happy"
 *   Tim broke his toy. He felt                                    -> " sad"
 *   Ben and his dad went to the beach. He sang a song. He felt    -> " happy"
 * </pre>
 * Why this one learns in a hundred zeroth-order steps where {@link TinyStoriesSentiment} needs
 * thousands: its cues (smiled, cried, got hurt...) are the actions TinyStories itself pairs with
 * "happy" and "sad", so the model already represents them; what it lacks is the calibration, since
 * " sad" tokenizes as [ sa][d] and its near-certain second token lifts its mean log-probability, so
 * zero-shot it answers " sad" to everything (chance). Fine-tuning has to use the feature it has and
 * undo the bias, which is what prompt-based fine-tuning of a pretrained model does at any scale.
 * Measured (smezo train, S-MeZO lr 3e-4, batch 16): 50% zero-shot, 72-75% on held-out stories after
 * 100-400 steps.
 *
 * <p>Held-out stories use names and places that never occur in train; cues and openers are shared.
 * Records are a pure function of (split, seed, count), drawn with
 * {@code new java.util.Random(seed + split.ordinal() * 0x9E3779B97F4A7C15L)}; labels are balanced.
 */
final class TinyStoriesFeelings {
    static final String NAME = "tinystories-feelings";

    private static final List<String> POSITIVE = List.of("smiled", "laughed", "giggled", "danced", "cheered", "clapped",
            "hugged {p} mom", "played all day", "sang a song", "jumped up and down");
    private static final List<String> NEGATIVE = List.of("cried", "frowned", "sobbed", "fell down", "got hurt",
            "was scared", "lost {p} toy", "was alone", "broke {p} toy", "was sick");
    private static final List<String> TRAIN_NAMES = List.of("Lily:g", "Tim:b", "Ben:b", "Anna:g", "Sue:g", "Max:b",
            "Mia:g", "Tom:b", "Sam:b", "Lucy:g", "Jack:b", "Amy:g");
    private static final List<String> VALIDATION_NAMES = List.of("Emma:g", "Jake:b", "Zoe:g", "Leo:b", "Rose:g", "Dan:b");
    private static final List<String> TRAIN_PLACES = List.of("park", "beach", "store", "garden");
    private static final List<String> VALIDATION_PLACES = List.of("zoo", "lake");
    /** "" = no opener: the cue sentence then starts with the name. */
    private static final List<String> OPENERS = List.of("", "One day, {n} went to the {pl}.", "{n} was playing outside.",
            "Once upon a time, there was a little {k} named {n}.", "{n} and {p} dad went to the {pl}.");

    private TinyStoriesFeelings() {}

    static List<Record> generate(Split split, long seed, int count) {
        boolean train = split == Split.TRAIN;
        Random r = new Random(seed + split.ordinal() * 0x9E3779B97F4A7C15L);
        String source = "generated:" + NAME + "/" + split.name().toLowerCase();
        Set<String> seen = new HashSet<>();
        List<Map<String, Object>> made = new ArrayList<>(count);
        for (int attempts = 0; made.size() < count; attempts++) {
            if (attempts > 200 * count) {
                throw new TaskDataException(source, 0, null, "cannot make " + count + " distinct stories (made " + made.size() + ")");
            }
            boolean positive = made.size() % 2 == 0;
            String[] child = pick(r, train ? TRAIN_NAMES : VALIDATION_NAMES).split(":");
            boolean girl = child[1].equals("g");
            String his = girl ? "her" : "his", she = girl ? "She" : "He";
            String cue = pick(r, positive ? POSITIVE : NEGATIVE).replace("{p}", his);
            String opener = pick(r, OPENERS).replace("{n}", child[0]).replace("{k}", girl ? "girl" : "boy")
                    .replace("{pl}", pick(r, train ? TRAIN_PLACES : VALIDATION_PLACES)).replace("{p}", his);
            String story = opener.isEmpty() ? child[0] + " " + cue + "." : opener + " " + she + " " + cue + ".";
            if (!seen.add(story)) continue;
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("story", story);
            f.put("pronoun", she);
            f.put("label", positive ? "positive" : "negative");
            made.add(f);
        }
        return Generators.shuffleAndNumber(made, r, split, source);
    }

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
