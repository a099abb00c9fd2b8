package dev.smezo.ggml;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.smezo.gguf.GgmlType;
import dev.smezo.model.Weights;
import dev.smezo.nativelib.NativeLibraries;
import dev.smezo.perturb.NativeKernels;
import dev.smezo.perturb.TensorPerturbation;
import dev.smezo.perturb.WeightType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CUDA facade without a GPU: the optional libraries are reported absent in a CPU build, and
 * {@link DeviceWeights} (a device copy of the weights) works on any buffer type, here the CPU's: the
 * copy is separate from the Java memory, graphs read it, and download/upload move the bytes.
 * On a CUDA build with a device the last test also runs the op on the GPU.
 */
@Tag("native")
class CudaBackendTest {
    @BeforeAll
    static void nativeBuilt() {
        String dir = System.getProperty("smezo.native.dir");
        assumeTrue(dir != null && Files.isRegularFile(Path.of(dir, "libsmezo.so")), "native libraries not built");
    }

    @Test
    void absentOptionalLibrariesAreReportedNotThrown() {
        assertFalse(NativeLibraries.loadOptional("libsmezo-no-such-library.so"));
        boolean cudaBuild = Files.exists(Path.of(System.getProperty("smezo.native.dir"), "libsmezo_cuda.so"));
        assumeTrue(!cudaBuild, "a CUDA build");
        assertFalse(CudaBackend.librariesPresent());
        assertEquals(0, CudaBackend.deviceCount());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new CudaBackend(0));
        assertTrue(e.getMessage().contains("SMEZO_CUDA=1"), e.getMessage());
    }

    @Test
    void deviceWeightsAreACopyThatGraphsReadAndDownloadRestores() {
        try (Arena arena = Arena.ofShared(); CpuBackend cpu = new CpuBackend(2)) {
            Weights w = Weights.allocate(List.of(new Weights.TensorSpec("a", GgmlType.F16, 100, 7),
                    new Weights.TensorSpec("b", GgmlType.F32, 33)), arena);
            Weights.Entry a = w.get("a");
            MemorySegment ad = w.data(a);
            for (long i = 0; i < a.elements(); i++) ad.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) (0x3000 + i));
            MemorySegment original = arena.allocate(ad.byteSize(), 64).copyFrom(ad);
            try (DeviceWeights dw = new DeviceWeights(w, cpu.bufferType())) {
                Tensor t = dw.tensor("a");
                assertArrayEquals(new long[] {100, 7, 1, 1}, t.shape());
                long addr = t.data().address();
                assertFalse(addr >= w.memory().address() && addr < w.memory().address() + w.memory().byteSize(),
                        "the device copy must not alias the Java memory");
                assertTrue(dw.deviceBytes() >= w.totalBytes());

                // A graph over the device copy: the perturbation op equals the kernel on the host bytes.
                MemorySegment cfg = TensorPerturbation.dense(a.id()).allocate(arena);
                try (GraphBuilder g = new GraphBuilder(8, 8); ComputeBuffer cb = new ComputeBuffer(cpu.bufferType())) {
                    Tensor params = g.input("p", GgmlType.I32, 8);
                    Tensor out = g.output(g.custom(GgmlType.F16, t.shape(), new Tensor[] {t, params}, NativeKernels.perturbOp(), cfg));
                    MemorySegment graph = g.graph(out);
                    cb.reserve(graph);
                    cb.allocate(graph);
                    MemorySegment p = arena.allocate(NativeKernels.PARAMS_BYTES, 16);
                    NativeKernels.writeParams(p, 77, 0.01f, 0f);
                    params.set(p, 0);
                    cpu.compute(graph);
                    MemorySegment got = arena.allocate(ad.byteSize(), 64), want = arena.allocate(ad.byteSize(), 64);
                    out.get(got, 0);
                    NativeKernels.perturb(ad, want, WeightType.F16, 0, a.elements(), cfg, 77, 0.01f);
                    assertEquals(-1, got.mismatch(want));
                }

                ad.fill((byte) 0);                      // the Java copy changes; the device copy does not
                dw.download(List.of("a"));
                assertEquals(-1, ad.mismatch(original));
                ad.fill((byte) 1);
                dw.upload();
                ad.fill((byte) 0);
                dw.download();
                for (long i = 0; i < ad.byteSize(); i++) assertEquals(1, ad.get(ValueLayout.JAVA_BYTE, i));
            }
        }
    }

    @Test
    void perturbOpOnTheGpuEqualsTheCpuKernel() {
        assumeTrue(CudaBackend.deviceCount() > 0, "no CUDA device");
        try (Arena arena = Arena.ofShared(); CudaBackend gpu = new CudaBackend(0)) {
            Weights w = Weights.allocate(List.of(new Weights.TensorSpec("a", GgmlType.BF16, 4096, 33)), arena);
            Weights.Entry a = w.get("a");
            MemorySegment cfg0 = TensorPerturbation.dense(a.id()).allocate(arena);
            NativeKernels.update(w.data(a), WeightType.BF16, 0, a.elements(), cfg0, 5, 0.02f, 0f);   // W = 0.02 z
            MemorySegment cfg = TensorPerturbation.magnitude(a.id(), 0.02f).allocate(arena);
            try (DeviceWeights dw = new DeviceWeights(w, gpu.bufferType());
                 GraphBuilder g = new GraphBuilder(8, 8); ComputeBuffer cb = new ComputeBuffer(gpu.bufferType())) {
                Tensor params = g.input("p", GgmlType.I32, 8);
                Tensor t = dw.tensor("a");
                Tensor out = g.output(g.custom(GgmlType.BF16, t.shape(), new Tensor[] {t, params}, NativeKernels.perturbOp(), cfg));
                MemorySegment graph = g.graph(out);
                cb.reserve(graph);
                cb.allocate(graph);
                MemorySegment p = arena.allocate(NativeKernels.PARAMS_BYTES, 16);
                NativeKernels.writeParams(p, 9, -1e-3f, 0f);
                params.set(p, 0);
                gpu.compute(graph);
                MemorySegment got = arena.allocate(a.bytes(), 64), want = arena.allocate(a.bytes(), 64);
                out.get(got, 0);
                NativeKernels.perturb(w.data(a), want, WeightType.BF16, 0, a.elements(), cfg, 9, -1e-3f);
                assertEquals(-1, got.mismatch(want));
            }
        }
    }
}
