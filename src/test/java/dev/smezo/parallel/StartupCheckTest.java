package dev.smezo.parallel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pieces of the MPI layer that need no MPI: the start-up comparison and the batch shares. */
class StartupCheckTest {
    @Test
    void theFirstDifferingFactIsNamedWithBothValues() {
        Map<String, String> zero = new LinkedHashMap<>(Map.of("smezo", "jar abc"));
        zero.put("option lr", "3.0E-4");
        zero.put("option seed", "0");
        Map<String, String> other = new LinkedHashMap<>(zero);
        assertNull(StartupCheck.difference(zero, other));
        other.put("option seed", "1");
        other.put("option lr", "1.0E-4");
        assertEquals("option lr: 3.0E-4 on rank 0, 1.0E-4 there", StartupCheck.difference(zero, other));
        other = new LinkedHashMap<>(zero);
        other.put("option extra", "x");   // a fact only the other rank has (another smezo version)
        assertEquals("option extra: null on rank 0, x there", StartupCheck.difference(zero, other));
    }

    @Test
    void oneProcessAgreesWithItselfAndGathersItsOwnBytes() throws Exception {
        Group g = Group.single();
        StartupCheck.require(g, () -> {
            throw new AssertionError("one process computes no facts");
        });
        double[] d = {1.5, Double.NaN, -0.0};
        double[] back = g.allGatherDoubles(d);
        for (int i = 0; i < d.length; i++) assertEquals(Double.doubleToRawLongBits(d[i]), Double.doubleToRawLongBits(back[i]));
    }

    @Test
    void sharesCoverTheBatchInOrderAndDifferByAtMostOne() {
        for (int n = 1; n <= 40; n++) {
            for (int k = 1; k <= Math.min(n, 8); k++) {
                assertEquals(0, Group.shareStart(n, 0, k));
                assertEquals(n, Group.shareStart(n, k, k));
                int min = Integer.MAX_VALUE, max = 0;
                for (int r = 0; r < k; r++) {
                    int size = Group.shareStart(n, r + 1, k) - Group.shareStart(n, r, k);
                    min = Math.min(min, size);
                    max = Math.max(max, size);
                }
                assertTrue(max - min <= 1 && min >= 1, n + " over " + k);
            }
        }
    }
}
