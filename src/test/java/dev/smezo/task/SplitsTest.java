package dev.smezo.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class SplitsTest {
    private static final Task RTE = Tasks.byName("rte");

    private static List<Example> pool(String prefix, int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new Example(prefix + i, "p" + i, List.of("Yes", "No"), i % 2, prefix + i));
        return out;
    }

    private static Set<String> ids(List<Example> ex) {
        Set<String> s = new HashSet<>();
        for (Example e : ex) s.add(e.id());
        return s;
    }

    @Test
    void permutationIsPinnedToJavaUtilRandomFisherYates() {
        // Expected values from an independent Python re-implementation of java.util.Random (the LCG its
        // Javadoc specifies: seed scrambled with 0x5DEECE66D, nextInt(bound) by rejection) and the same
        // Fisher-Yates loop. If these change, runs are no longer reproducible from their seed.
        assertArrayEquals(new int[] {4, 6, 2, 1, 7, 9, 8, 5, 3, 0}, Splits.permutation(10, 42));
        assertArrayEquals(new int[] {4, 8, 9, 6, 3, 5, 2, 1, 7, 0}, Splits.permutation(10, 0));
        assertArrayEquals(new int[] {613, 523, 571, 147, 297, 947, 341, 653}, Arrays.copyOf(Splits.permutation(1000, 7), 8));
        assertArrayEquals(new int[] {}, Splits.permutation(0, 1));
        assertArrayEquals(new int[] {0}, Splits.permutation(1, 1));
    }

    @Test
    void permutationIsAPermutation() {
        int[] p = Splits.permutation(5000, 123);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        assertArrayEquals(IntStream.range(0, 5000).toArray(), sorted);
    }

    @Test
    void samplingIsDeterministicPerSeedAndDiffersAcrossSeeds() {
        List<Example> train = pool("t", 3000);
        List<Example> val = pool("v", 1500);
        Splits a = Splits.sample(RTE, train, val, 42, 1000, 500, 1000, "train.jsonl", "val.jsonl");
        Splits b = Splits.sample(RTE, train, val, 42, 1000, 500, 1000, "train.jsonl", "val.jsonl");
        Splits c = Splits.sample(RTE, train, val, 43, 1000, 500, 1000, "train.jsonl", "val.jsonl");
        assertEquals(a, b);
        assertNotEquals(a.train(), c.train());
        assertNotEquals(a.test(), c.test());
        assertEquals(42, a.seed());
    }

    @Test
    void sizesAndDisjointnessWithATrainFile() {
        List<Example> train = pool("t", 3000);
        List<Example> val = pool("v", 800);
        Splits s = Splits.sample(RTE, train, val, 7, 1000, 500, 1000, "train.jsonl", "val.jsonl");
        assertEquals(1000, s.train().size());
        assertEquals(500, s.dev().size());
        assertEquals(800, s.test().size()); // "up to" 1,000: validation has 800
        Set<String> tr = ids(s.train());
        Set<String> dv = ids(s.dev());
        assertEquals(1000, tr.size());
        assertEquals(500, dv.size());
        assertTrue(tr.stream().noneMatch(dv::contains));
        assertEquals(ids(val), ids(s.test()));
        // Train is the head of the seeded permutation, dev the next block.
        int[] p = Splits.permutation(3000, 7);
        assertEquals("t" + p[0], s.train().getFirst().id());
        assertEquals("t" + p[1000], s.dev().getFirst().id());
        assertEquals("v" + Splits.permutation(800, 7)[0], s.test().getFirst().id());
        assertTrue(s.note().contains("seed 7"), s.note());
        assertTrue(s.note().contains("test 800 of val.jsonl (800 records)"), s.note());
        assertFalse(s.note().contains("asked for"), s.note()); // "up to" nTest: a smaller validation split is no shortfall
        assertTrue(s.note().contains("java.util.Random(7)"), s.note());
    }

    @Test
    void shortTrainFileFillsTrainFirstAndSaysSo() {
        Splits s = Splits.sample(RTE, pool("t", 400), pool("v", 100), 1, 300, 200, 1000, "train.jsonl", "val.jsonl");
        assertEquals(300, s.train().size());
        assertEquals(100, s.dev().size());
        assertTrue(s.note().contains("(train + dev: asked for 500, only 400 available)"), s.note());
    }

    @Test
    void withoutATrainFileTrainAndDevAreCarvedDisjointFromTest() {
        List<Example> val = pool("v", 3270);
        Splits s = Splits.sample(RTE, null, val, 5, 1000, 500, 1000, null, "BoolQ/val.jsonl");
        assertEquals(1000, s.test().size());
        assertEquals(1000, s.train().size());
        assertEquals(500, s.dev().size());
        Set<String> all = new HashSet<>(ids(s.test()));
        all.addAll(ids(s.train()));
        all.addAll(ids(s.dev()));
        assertEquals(2500, all.size(), "test, train and dev overlap");
        assertTrue(s.note().contains("no train file, so train and dev are carved from the validation split and kept disjoint from test"), s.note());
        // The test set is the same whether or not train/dev are carved, for the same seed.
        assertEquals(Splits.sample(RTE, pool("t", 10), val, 5, 1, 1, 1000, "x", "y").test(), s.test());
        // A small validation split: test keeps priority, train and dev take what is left.
        Splits small = Splits.sample(RTE, null, pool("v", 1200), 5, 1000, 500, 1000, null, "val");
        assertEquals(1000, small.test().size());
        assertEquals(200, small.train().size());
        assertEquals(0, small.dev().size());
        assertTrue(small.note().contains("asked for 1500, only 200 available"), small.note());
    }

    @Test
    void negativeSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Splits.sample(RTE, null, pool("v", 10), 1, -1, 0, 0, null, "v"));
    }

    @Test
    @Tag("data")
    void boolqOnItsRealFileIsCarvedAndDisjoint() {
        Path data = SharedData.superglue();
        Task boolq = Tasks.byName("boolq");
        Splits s = Splits.sample(boolq, data, 2024);
        assertEquals(1000, s.train().size());
        assertEquals(500, s.dev().size());
        assertEquals(1000, s.test().size());
        Set<String> test = ids(s.test());
        assertTrue(s.train().stream().noneMatch(e -> test.contains(e.id())));
        assertTrue(s.dev().stream().noneMatch(e -> test.contains(e.id())));
        assertTrue(s.dev().stream().noneMatch(e -> ids(s.train()).contains(e.id())));
        assertTrue(s.note().startsWith("boolq: seed 2024; no train file"), s.note());
        assertTrue(s.note().contains(data.resolve("BoolQ/val.jsonl").toString() + " (3270 records)"), s.note());
        assertEquals(s, Splits.sample(boolq, data, 2024));
    }

    @Test
    @Tag("data")
    void copaDefaultsAreThreeHundredAndOneHundred() {
        Path data = SharedData.superglue();
        Splits s = Splits.sample(Tasks.byName("copa"), data, 1);
        assertEquals(300, s.train().size());
        assertEquals(100, s.dev().size());
        assertEquals(100, s.test().size());
        assertFalse(s.note().contains("asked for"), s.note());
        Splits sst2 = Splits.sample(Tasks.byName("sst2"), data, 1, 16, 8, 50);
        assertEquals(List.of(16, 8, 50), List.of(sst2.train().size(), sst2.dev().size(), sst2.test().size()));
    }
}
