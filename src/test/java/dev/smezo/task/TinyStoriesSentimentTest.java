package dev.smezo.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TinyStoriesSentimentTest {
    private static final Task TASK = Tasks.byName("tinystories-sentiment");
    private static final Set<String> POSITIVE = Set.of("found", "got", "won", "made", "fun", "nice", "good", "great", "kind",
            "cute", "funny", "yummy", "sweet", "tasty", "pretty", "shiny", "new", "clean");
    private static final Set<String> NEGATIVE = Set.of("lost", "broke", "dropped", "tore", "bad", "hard", "long", "sick",
            "scary", "mean", "angry", "yucky", "cold", "sour", "broken", "dirty", "wet", "torn");
    private static final Pattern CAPITALIZED = Pattern.compile("\\b[A-Z][a-z]+\\b");
    private static final Set<String> NOT_NAMES = Set.of("Once", "One", "It", "She", "He", "Her", "His");

    @Test
    void generatesTheDeclaredSizesDeterministically() {
        List<Example> train = TASK.load(Split.TRAIN, null);
        List<Example> val = TASK.load(Split.VALIDATION, null);
        assertEquals(4000, train.size());
        assertEquals(1000, val.size());
        assertEquals(train, TASK.load(Split.TRAIN, null));
        assertEquals("train-0", train.getFirst().id());
        assertEquals(List.of(" happy", " sad"), train.getFirst().candidates());
        // Another generator seed gives other data.
        assertNotEquals(Generators.generate(new Source.Generated(TinyStoriesSentiment.NAME, 1, 10, 10), Split.TRAIN).getFirst().fields(),
                Generators.generate(new Source.Generated(TinyStoriesSentiment.NAME, 2, 10, 10), Split.TRAIN).getFirst().fields());
    }

    @Test
    void labelsAreBalancedAndPromptsUnique() {
        for (Split split : Split.values()) {
            List<Example> ex = TASK.load(split, null);
            assertEquals(ex.size() / 2, ex.stream().filter(e -> e.label() == 0).count(), split.toString());
            assertEquals(ex.size(), ex.stream().map(Example::prompt).distinct().count(), split + " has duplicate prompts");
        }
    }

    @Test
    void exactlyOneCueWordDecidesTheLabel() {
        for (Split split : Split.values()) {
            for (Example e : TASK.load(split, null)) {
                assertTrue(e.prompt().endsWith(" She felt") || e.prompt().endsWith(" He felt"), e.prompt());
                // The last sentence before "She/He felt" holds the cue; openers hold none.
                String[] words = e.prompt().replaceAll("[.,']", " ").split("\\s+");
                int pos = 0;
                int neg = 0;
                for (String w : words) {
                    if (POSITIVE.contains(w)) pos++;
                    if (NEGATIVE.contains(w)) neg++;
                }
                assertEquals(1, pos + neg, e.prompt());
                assertEquals(pos == 1 ? 0 : 1, e.label(), e.prompt());
            }
        }
    }

    @Test
    void validationUsesNamesAndThingsNeverSeenInTraining() {
        Set<String> trainNames = names(TASK.load(Split.TRAIN, null));
        Set<String> valNames = names(TASK.load(Split.VALIDATION, null));
        assertTrue(trainNames.size() >= 12, trainNames.toString());
        assertTrue(valNames.size() >= 6, valNames.toString());
        assertTrue(valNames.stream().noneMatch(trainNames::contains), "shared names: " + valNames);
        Set<String> trainPrompts = new HashSet<>();
        TASK.load(Split.TRAIN, null).forEach(e -> trainPrompts.add(e.prompt()));
        for (Example e : TASK.load(Split.VALIDATION, null)) {
            assertTrue(!trainPrompts.contains(e.prompt()), e.prompt());
            for (String heldOut : List.of(" ball", " doll", " dog", " cake", "Lily", "Tim")) {
                assertTrue(!e.prompt().contains(heldOut), "train-only word in " + e.prompt());
            }
        }
    }

    private static Set<String> names(List<Example> examples) {
        Set<String> out = new HashSet<>();
        for (Example e : examples) {
            Matcher m = CAPITALIZED.matcher(e.prompt());
            int found = 0;
            while (m.find()) {
                if (!NOT_NAMES.contains(m.group())) {
                    out.add(m.group());
                    found++;
                }
            }
            assertTrue(found >= 1, "no name in " + e.prompt());
        }
        return out;
    }

    @Test
    void allFramesAndOpenersOccur() {
        List<Example> train = TASK.load(Split.TRAIN, null);
        for (String piece : List.of(" had a ", " saw a ", " ate a ", "'s ", "Once upon a time, there was a little ",
                "One day, ", " was playing outside.", "It was a sunny morning and ", ". Her ", ". His ", ". She saw a ", ". He ate a ")) {
            assertTrue(train.stream().anyMatch(e -> e.prompt().contains(piece)), piece);
        }
        assertTrue(train.stream().anyMatch(e -> e.prompt().indexOf('.') == e.prompt().lastIndexOf('.')), "no opener-free story");
    }
}
