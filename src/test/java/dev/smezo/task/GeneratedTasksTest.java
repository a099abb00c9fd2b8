package dev.smezo.task;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** tinystories-feelings and synthetic-keywords: deterministic, balanced, labels decided by their cue. */
class GeneratedTasksTest {
    @ParameterizedTest
    @ValueSource(strings = {"tinystories-feelings", "synthetic-keywords"})
    void deterministicAndBalanced(String name) {
        Task task = Tasks.byName(name);
        for (Split split : Split.values()) {
            List<Example> ex = task.load(split, null);
            assertEquals(ex, task.load(split, null), "same records every time");
            assertEquals(ex.size() / 2, ex.stream().filter(e -> e.label() == 0).count(), split + " balanced");
        }
    }

    @org.junit.jupiter.api.Test
    void feelingsHeldOutNamesAreNew() {
        Task task = Tasks.byName("tinystories-feelings");
        Set<String> trainNames = task.load(Split.TRAIN, null).stream().map(e -> e.prompt().split("[ ,.]")[0])
                .collect(Collectors.toSet());
        for (Example e : task.load(Split.VALIDATION, null)) {
            for (String n : List.of("Lily", "Tim", "Ben", "Anna", "Sue", "Max", "Mia", "Tom", "Sam", "Lucy", "Jack", "Amy")) {
                assertFalse(e.prompt().contains(n + " ") || e.prompt().contains(n + "."), e.prompt());
            }
            assertTrue(e.prompt().endsWith("She felt") || e.prompt().endsWith("He felt"), e.prompt());
        }
        assertEquals(2000, task.load(Split.TRAIN, null).stream().map(Example::prompt).distinct().count(), "unique prompts");
        assertFalse(trainNames.isEmpty());
    }

    @org.junit.jupiter.api.Test
    void keywordsDecideTheLabel() {
        Task task = Tasks.byName("synthetic-keywords");
        for (Example e : task.load(Split.TRAIN, null)) {
            String last = e.prompt().substring(e.prompt().lastIndexOf(' ') + 1);
            int idx = (last.charAt(0) - 'a') * 26 + (last.charAt(1) - 'a');
            assertTrue(idx < 16, "last word is a keyword: " + e.prompt());
            assertEquals(idx < 8 ? 0 : 1, e.label(), e.prompt());
            assertEquals(List.of(" x", " y"), e.candidates());
        }
    }
}
