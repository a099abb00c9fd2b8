package dev.smezo.task;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code tinystories-sentiment}: a small generated task, in TinyStories language, that a tiny model
 * (stories260K: 260K parameters, 512-token vocabulary) can plausibly learn in a few hundred
 * zeroth-order steps, and that it does not solve zero-shot.
 *
 * <p>Each record is a one- or two-sentence story about a child, ending in "She felt" / "He felt"; the
 * answer is " happy" or " sad". The label is fixed by exactly one <em>cue word</em> in the story,
 * taken from a positive or a negative list (a word always has the same polarity, in every frame):
 * <pre>
 *   Lily lost a ball. She felt                                  -> " sad"
 *   Tim had a fun day. He felt                                  -> " happy"
 *   One day, Mia went to the park. She saw a scary dog. She felt -> " sad"
 *   Ben was playing outside. He ate a yummy cake. He felt       -> " happy"
 *   Sue's doll was broken. She felt                             -> " sad"
 * </pre>
 * The optional opener ("Once upon a time, there was a little girl named Lily.", "One day, Lily went to
 * the park.", ...) carries no cue; after it, the cue sentence says "She"/"He" ("Her"/"His"). Held-out data is new: the validation split uses names, things,
 * animals and foods that never occur in the train split (the cue words and frames are shared, since
 * they are what is learned), so no validation prompt equals a train prompt. Labels are balanced
 * exactly (half of each), prompts are unique within a split.
 *
 * <p>Measured here with a plain-numpy stories260K forward (candidates scored by mean token
 * log-probability, prompt and candidate tokenized together): zero-shot it predicts " sad" for every
 * example (the second token of " sad" is near certain, which lifts its mean), i.e. chance accuracy;
 * a plain-numpy MeZO run (batch 16, eps 1e-3, lr 5e-5) reached 70% on held-out stories after 600
 * steps (details in the README beside the task resources).
 *
 * <p>Determinism: records are a pure function of (split, seed, count), drawn with
 * {@code new java.util.Random(seed + split.ordinal() * 0x9E3779B97F4A7C15L)}.
 */
final class TinyStoriesSentiment {
    static final String NAME = "tinystories-sentiment";

    private record Child(String name, String pronoun, String possessive, String kind) {}

    /**
     * A sentence with one cue slot: {@code {n}} the child (the name, or "She"/"He" after an opener that
     * named them), {@code {n's}} the possessive ("Lily's", or "Her"/"His"), {@code {w}} the cue word,
     * {@code {x}} a filler noun.
     */
    private record Frame(String text, Fill fill, List<String> positive, List<String> negative) {}

    private enum Fill { NONE, THING, ANIMAL, FOOD }

    private static final List<Child> TRAIN_CHILDREN = children(
            "Lily:girl", "Tim:boy", "Ben:boy", "Anna:girl", "Sue:girl", "Max:boy", "Mia:girl", "Tom:boy",
            "Sam:boy", "Lucy:girl", "Jack:boy", "Amy:girl", "Timmy:boy", "Sara:girl", "Bob:boy", "Kate:girl");
    private static final List<Child> VALIDATION_CHILDREN = children(
            "Emma:girl", "Jake:boy", "Zoe:girl", "Leo:boy", "Rose:girl", "Dan:boy", "Ella:girl", "Joe:boy");

    private static final List<String> TRAIN_THINGS = List.of("ball", "toy", "doll", "hat", "book", "cup", "box", "car");
    private static final List<String> VALIDATION_THINGS = List.of("kite", "boat", "bike", "truck");
    private static final List<String> TRAIN_ANIMALS = List.of("dog", "cat", "bird", "frog");
    private static final List<String> VALIDATION_ANIMALS = List.of("bear", "bunny", "duck");
    private static final List<String> TRAIN_FOODS = List.of("cake", "apple", "cookie");
    private static final List<String> VALIDATION_FOODS = List.of("pie", "soup", "banana");

    private static final List<Frame> FRAMES = List.of(
            new Frame("{n} {w} a {x}.", Fill.THING,
                    List.of("found", "got", "won", "made"), List.of("lost", "broke", "dropped", "tore")),
            new Frame("{n} had a {w} day.", Fill.NONE,
                    List.of("fun", "nice", "good", "great"), List.of("bad", "hard", "long", "sick")),
            new Frame("{n} saw a {w} {x}.", Fill.ANIMAL,
                    List.of("kind", "cute", "nice", "funny"), List.of("scary", "mean", "angry", "bad")),
            new Frame("{n} ate a {w} {x}.", Fill.FOOD,
                    List.of("yummy", "sweet", "tasty", "good"), List.of("yucky", "cold", "bad", "sour")),
            new Frame("{n's} {x} was {w}.", Fill.THING,
                    List.of("pretty", "shiny", "new", "clean"), List.of("broken", "dirty", "wet", "torn")));

    /** Cue-free first sentences; "" means none. */
    private static final List<String> OPENERS = List.of(
            "", "", "Once upon a time, there was a little {kind} named {n}.", "One day, {n} went to the park.",
            "{n} was playing outside.", "It was a sunny morning and {n} woke up.");

    private TinyStoriesSentiment() {}

    static List<Record> generate(Split split, long seed, int count) {
        boolean train = split == Split.TRAIN;
        List<Child> children = train ? TRAIN_CHILDREN : VALIDATION_CHILDREN;
        Random random = new Random(seed + split.ordinal() * 0x9E3779B97F4A7C15L);
        String source = "generated:" + NAME + "/" + split.name().toLowerCase();
        Set<String> seen = new HashSet<>();
        List<Map<String, Object>> out = new ArrayList<>(count);
        int attempts = 0;
        while (out.size() < count) {
            if (++attempts > 100 * count) {
                throw new TaskDataException(source, 0, null, "cannot make " + count + " distinct stories (made " + out.size() + ")");
            }
            boolean positive = out.size() % 2 == 0; // exactly balanced; order shuffled below
            Child c = pick(random, children);
            Frame f = pick(random, FRAMES);
            String cue = pick(random, positive ? f.positive() : f.negative());
            String filler = switch (f.fill()) {
                case NONE -> "";
                case THING -> pick(random, train ? TRAIN_THINGS : VALIDATION_THINGS);
                case ANIMAL -> pick(random, train ? TRAIN_ANIMALS : VALIDATION_ANIMALS);
                case FOOD -> pick(random, train ? TRAIN_FOODS : VALIDATION_FOODS);
            };
            String opener = fill(pick(random, OPENERS), c.name(), c.name() + "'s", c.kind(), "", "");
            String story = opener.isEmpty()
                    ? fill(f.text(), c.name(), c.name() + "'s", c.kind(), cue, filler)
                    : opener + " " + fill(f.text(), c.pronoun(), c.possessive(), c.kind(), cue, filler);
            if (!seen.add(story + "|" + c.pronoun())) continue;
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("story", story);
            fields.put("pronoun", c.pronoun());
            fields.put("cue", cue);
            fields.put("label", positive ? "positive" : "negative");
            out.add(fields);
        }
        // Shuffled with the same Random, so positive and negative records are interleaved at random.
        return Generators.shuffleAndNumber(out, random, split, source);
    }

    private static String fill(String text, String who, String whose, String kind, String cue, String filler) {
        return text.replace("{n's}", whose).replace("{n}", who).replace("{kind}", kind).replace("{w}", cue).replace("{x}", filler);
    }

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static List<Child> children(String... specs) {
        List<Child> out = new ArrayList<>();
        for (String s : specs) {
            String[] p = s.split(":");
            boolean girl = p[1].equals("girl");
            out.add(new Child(p[0], girl ? "She" : "He", girl ? "Her" : "His", p[1]));
        }
        return List.copyOf(out);
    }
}
