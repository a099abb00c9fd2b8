package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** Sizes a user writes for --memory-limit, the check against a plan, and the machine's own limit. */
class MemoryLimitCheckTest {
    @Test
    void binarySuffixesAndPlainBytes() {
        assertEquals(20L << 30, Memory.Limit.parse("20G", "--memory-limit").bytes());
        assertEquals(20L << 30, Memory.Limit.parse("20GiB", "--memory-limit").bytes());
        assertEquals(512L << 20, Memory.Limit.parse("512m", "--memory-limit").bytes());
        assertEquals(3L << 39, Memory.Limit.parse("1.5T", "--memory-limit").bytes());
        assertEquals(4096, Memory.Limit.parse("4096", "--memory-limit").bytes());
        assertEquals(64L << 10, Memory.Limit.parse(" 64K ", "--memory-limit").bytes());
        assertEquals("--memory-limit 20G", Memory.Limit.parse("20G", "--memory-limit").source());
    }

    @Test
    void nonsenseIsRefusedNamingTheOption() {
        for (String bad : new String[] {"", "G", "abc", "0", "-1G", "NaN", "Infinity", "12X", "1e30T"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Memory.Limit.parse(bad, "--memory-limit"), bad);
            assertTrue(e.getMessage().startsWith("--memory-limit '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void overTheLimitNamesEveryPartAndWhatToChange() {
        MemoryPlan plan = new MemoryPlan(100L << 20, 99L << 20, 1L << 30, 10L << 20, 100L << 20);
        assertEquals((100L << 20) + (1L << 30) + (10L << 20) + (100L << 20), plan.total());
        plan.requireWithin(new Memory.Limit(plan.total(), "exactly"), "x");   // at the limit: fits
        plan.requireWithin(null, "x");                                           // no limit
        var e = assertThrows(MemoryPlan.OverLimitException.class,
                () -> plan.requireWithin(new Memory.Limit(500L << 20, "test limit"), "lower --batch"));
        assertEquals("predicted peak memory 1,234.0 MiB (model 100.0 MiB + compute buffer 1,024.0 MiB + host buffers "
                + "10.0 MiB + runtime 100.0 MiB) is over 500.0 MiB, test limit; lower --batch", e.getMessage());
        var alone = assertThrows(MemoryPlan.OverLimitException.class,
                () -> plan.requireWithin(new Memory.Limit(150L << 20, "test limit"), "lower --batch"));
        assertTrue(alone.getMessage().endsWith("the model and the runtime alone do not fit: a smaller model, or a machine "
                + "with more memory (--memory-limit none runs anyway)"), alone.getMessage());
    }

    @Test
    void machineLimitIsAtLeastWhatTheJvmSeesAsPhysicalMemory() {
        // The JVM's figure (container-aware: the cgroup limit where one is set) excludes swap; ours
        // adds it, so it is at least the JVM's and at most the JVM's memory plus swap.
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Memory.Limit limit = Memory.machineLimit();
        assertNotNull(limit, "Linux reports MemTotal");
        assertTrue(limit.bytes() >= os.getTotalMemorySize(), limit + " < " + os.getTotalMemorySize());
        assertTrue(limit.bytes() <= os.getTotalMemorySize() + os.getTotalSwapSpaceSize(), limit.toString());
    }
}
