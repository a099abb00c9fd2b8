package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.forward.BackendWeights;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.gguf.GgmlType;
import dev.smezo.model.LlamaModel;
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
 * <p>The C heap is glibc's mallinfo2 (bytes in use, small and mmapped), which also counts the JVM's
 * own mallocs: a C2 compilation in flight holds megabytes of arena for a moment (CI once saw +6 MB
 * across a single 1,000-step window). So the 1,000 steps are read as {@link #WINDOWS} windows, and a
 * leak must show in every one of them: a leak of L bytes a step grows each 200-step window by 200 L,
 * so requiring one window below {@link #WINDOW_MALLOC_BOUND} catches any leak of 328 bytes a step or
 * more, while a one-off JIT burst in some windows passes.
 */
@Tag("native")
class ZeroAllocationTest {
    static final int STEPS = 1000, WINDOWS = 5;
    static final long RSS_BOUND = 8L << 20;
    static final long WINDOW_MALLOC_BOUND = 64L << 10;

    @Test
    void thousandStepsLeaveBuffersAndRssFlat(@TempDir Path dir) throws Throwable {
        Path path = TestModels.synth(dir, "tiny", 2, GgmlType.F16, false, 41);
        try (Arena arena = Arena.ofShared();
             LlamaModel m = LlamaModel.open(path);
             CpuBackend backend = new CpuBackend(2);
             BackendWeights bw = new BackendWeights(m.weights());
             PerturbedModel pm = new PerturbedModel(m.config(), bw,
                     Trainables.select(m.weights(), Trainables.Selection.MATRICES, Method.SMEZO, 0.8, 1, 2, arena), backend)) {
            Random r = new Random(1);
            TokenObjective obj = TokenObjective.nextTokens(new int[][] {r.ints(32, 3, 512).toArray(), r.ints(32, 3, 512).toArray()}, 512);
            ModelZo zo = new ModelZo(pm);
            zo.objective(obj);
            Estimator est = new Estimator(zo, ZoConfig.of(1e-4, 5));
            for (int s = 0; s < 300; s++) est.step(s);
            long compute = pm.computeBytes();
            System.gc();
            long before = Memory.rss();
            long[] heap = new long[WINDOWS + 1];
            heap[0] = mallocInUse();
            int step = 300;
            for (int w = 1; w <= WINDOWS; w++) {
                for (int s = 0; s < STEPS / WINDOWS; s++) est.step(step++);
                heap[w] = mallocInUse();
            }
            System.gc();
            long after = Memory.rss();
            long quietest = Long.MAX_VALUE;
            StringBuilder growth = new StringBuilder();
            for (int w = 1; w <= WINDOWS; w++) {
                quietest = Math.min(quietest, heap[w] - heap[w - 1]);
                growth.append(w > 1 ? ", " : "").append(heap[w] - heap[w - 1]);
            }
            System.out.printf("compute buffer %d bytes; C heap growth per %d-step window [%s] bytes; RSS %d KiB -> %d KiB over %d steps%n",
                    compute, STEPS / WINDOWS, growth, before >> 10, after >> 10, STEPS);
            assertEquals(compute, pm.computeBytes(), "the compute buffer must not grow");
            assertTrue(quietest < WINDOW_MALLOC_BOUND, "C heap grew in every window: [" + growth + "] bytes");
            assertTrue(after - before < RSS_BOUND, "RSS grew by " + ((after - before) >> 10) + " KiB");
        }
    }

    /** glibc mallinfo2(): uordblks (small blocks in use) + hblkhd (mmapped blocks). */
    static long mallocInUse() throws Throwable {
        var linker = java.lang.foreign.Linker.nativeLinker();
        var layout = java.lang.foreign.MemoryLayout.sequenceLayout(10, java.lang.foreign.ValueLayout.JAVA_LONG);
        var struct = java.lang.foreign.MemoryLayout.structLayout(layout);
        var h = linker.downcallHandle(linker.defaultLookup().find("mallinfo2").orElseThrow(),
                java.lang.foreign.FunctionDescriptor.of(struct));
        try (Arena a = Arena.ofConfined()) {
            var seg = (java.lang.foreign.MemorySegment) h.invokeExact((java.lang.foreign.SegmentAllocator) a);
            long hblkhd = seg.getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, 4);
            long uordblks = seg.getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, 7);
            return hblkhd + uordblks;
        }
    }

}
