package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.forward.BackendWeights;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.gguf.GgmlType;
import dev.smezo.model.Model;
import dev.smezo.perturb.Method;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.perturb.Trainables;
import dev.smezo.testing.TestModels;
import dev.smezo.zo.Estimator;
import dev.smezo.zo.ZoConfig;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After warm-up, steps allocate nothing: ggml's compute buffer keeps its size, the C heap does not
 * leak, and the process's resident memory stays within {@link #RSS_BOUND} over 1,000 steps (room
 * for the JVM's own young-generation churn from the few small objects a step makes).
 *
 * <p>The C heap is glibc's mallinfo2 (bytes in use, small and mmapped) less what the JVM's own
 * machinery has malloc'ed, as its Native Memory Tracking counts it (the JIT's arenas, the GC,
 * symbols; the surefire JVM runs with -XX:NativeMemoryTracking=summary). Raw mallinfo2 swings by
 * megabytes from one 200-step window to the next while C2 compiles and frees its arenas (CI once saw
 * +6 MB over 1,000 steps); less the JVM's part it moves by a few KiB. NMT's tag Other, where FFM's
 * own allocations go, stays in the measure. The 1,000 steps after a 1,000-step warm-up are read as
 * {@link #WINDOWS} windows: a leak of L bytes a step grows every window by 200 L, so a median window
 * below {@link #WINDOW_MALLOC_BOUND} rules out any leak of 328 bytes a step or more, whatever a stray
 * window does.
 */
@Tag("native")
class ZeroAllocationTest {
    static final int WARMUP = 1000, STEPS = 1000, WINDOWS = 5;
    static final long RSS_BOUND = 8L << 20;
    static final long WINDOW_MALLOC_BOUND = 64L << 10;

    @Test
    void thousandStepsLeaveBuffersAndRssFlat(@TempDir Path dir) throws Throwable {
        Path path = TestModels.synth(dir, "tiny", 2, GgmlType.F16, false, 41);
        try (Arena arena = Arena.ofShared();
             Model m = Model.open(path);
             CpuBackend backend = new CpuBackend(2);
             BackendWeights bw = new BackendWeights(m.weights());
             PerturbedModel pm = new PerturbedModel(m.config(), bw,
                     Trainables.select(m.weights(), Trainables.Selection.MATRICES, Method.SMEZO, 0.8, 1, 2, arena), backend)) {
            Random r = new Random(1);
            TokenObjective obj = TokenObjective.nextTokens(new int[][] {r.ints(32, 3, 512).toArray(), r.ints(32, 3, 512).toArray()}, 512);
            ModelZo zo = new ModelZo(pm);
            zo.objective(obj);
            Estimator est = new Estimator(zo, ZoConfig.of(1e-4, 5));
            nativeHeap();   // loads the JMX and NMT reporting machinery before anything is measured
            for (int s = 0; s < WARMUP; s++) est.step(s);
            long compute = pm.computeBytes();
            System.gc();
            long before = Memory.rss();
            long[] heap = new long[WINDOWS + 1];
            heap[0] = nativeHeap();
            int step = WARMUP;
            for (int w = 1; w <= WINDOWS; w++) {
                for (int s = 0; s < STEPS / WINDOWS; s++) est.step(step++);
                heap[w] = nativeHeap();
            }
            System.gc();
            long after = Memory.rss();
            long[] windows = new long[WINDOWS];
            StringBuilder growth = new StringBuilder();
            for (int w = 1; w <= WINDOWS; w++) {
                windows[w - 1] = heap[w] - heap[w - 1];
                growth.append(w > 1 ? ", " : "").append(windows[w - 1]);
            }
            java.util.Arrays.sort(windows);
            long median = windows[WINDOWS / 2];
            System.out.printf("compute buffer %d bytes; C heap (less the JVM's own) growth per %d-step window [%s] bytes; "
                    + "RSS %d KiB -> %d KiB over %d steps%n", compute, STEPS / WINDOWS, growth, before >> 10, after >> 10, STEPS);
            assertEquals(compute, pm.computeBytes(), "the compute buffer must not grow");
            assertTrue(median < WINDOW_MALLOC_BOUND, "C heap grew in most windows: [" + growth + "] bytes");
            assertTrue(after - before < RSS_BOUND, "RSS grew by " + ((after - before) >> 10) + " KiB");
        }
    }

    /** The C heap in use less the JVM's own mallocs (see the class comment). */
    static long nativeHeap() throws Throwable {
        return Memory.cHeapInUse() - jvmMalloc();
    }

    /**
     * Bytes the JVM has malloc'ed for itself, from Native Memory Tracking: the total (arena chunks
     * included) less the tag Other (FFM's allocations).
     */
    static long jvmMalloc() throws Exception {
        var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        var name = new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
        String s = (String) server.invoke(name, "vmNativeMemory", new Object[] {new String[] {"summary", "scale=b"}},
                new String[] {String[].class.getName()});
        var total = java.util.regex.Pattern.compile("(?m)^\\s*malloc: (\\d+) #").matcher(s);
        assertTrue(total.find(), "Native Memory Tracking is off: run with -XX:NativeMemoryTracking=summary (the pom's "
                + "surefire argLine has it). It said: " + s.strip());
        var other = java.util.regex.Pattern.compile("\\(malloc=(\\d+) tag=Other ").matcher(s);
        return Long.parseLong(total.group(1)) - (other.find() ? Long.parseLong(other.group(1)) : 0);
    }


}
