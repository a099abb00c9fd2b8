package dev.smezo.ggml;

import static dev.smezo.bindings.ggml_h.*;

import dev.smezo.bindings.ggml_cuda_h;
import dev.smezo.bindings.smezo_cuda_h;
import dev.smezo.nativelib.NativeLibraries;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml's CUDA backend on one device, with smezo's perturbation ops able to run there: the patched
 * ggml-cuda (native/patches/ggml-cuda-custom-op.patch) dispatches {@code smezo_op_perturb},
 * {@code smezo_op_perturb_rows} and {@code smezo_op_update} to their CUDA twins in libsmezo_cuda,
 * which {@link #librariesPresent()} registers once per process. A graph built with
 * {@link GraphBuilder#custom} therefore runs unchanged on this backend, bit for bit as on the CPU.
 *
 * <p>The CUDA libraries exist only in a CUDA build ({@code SMEZO_CUDA=1 native/build.sh}); without
 * them {@link #librariesPresent()} is false, {@link #deviceCount()} is 0 and the constructor throws.
 */
public final class CudaBackend implements Backend {
    /** Device memory in bytes, as the driver reports it. */
    public record DeviceMemory(long free, long total) {
        public long used() {
            return total - free;
        }
    }

    private static Boolean present;   // guarded by CudaBackend.class

    private final int device;
    private final MemorySegment backend;

    /** Starts the backend on {@code device} (0 .. {@link #deviceCount()} - 1). */
    public CudaBackend(int device) {
        if (!librariesPresent()) {
            throw new IllegalStateException("no CUDA libraries in " + NativeLibraries.directory()
                    + " (build the native layer with SMEZO_CUDA=1 native/build.sh)");
        }
        int n = deviceCount();
        if (device < 0 || device >= n) {
            throw new IllegalArgumentException("CUDA device " + device + " does not exist (" + n + " found)");
        }
        this.device = device;
        this.backend = ggml_cuda_h.ggml_backend_cuda_init(device);
        if (backend.equals(MemorySegment.NULL)) throw new IllegalStateException("ggml_backend_cuda_init(" + device + ") failed");
    }

    /**
     * Loads libggml-cuda and libsmezo_cuda (once) and registers the perturbation ops with ggml-cuda.
     * False when this build has no CUDA libraries.
     *
     * @throws dev.smezo.nativelib.NativeLibraries.NativeLibraryException if they are there but cannot
     *     be loaded (no CUDA runtime on the library path, say)
     */
    public static synchronized boolean librariesPresent() {
        if (present == null) {
            Ggml.init();
            boolean ok = NativeLibraries.loadOptional("libggml-cuda.so") && NativeLibraries.loadOptional("libsmezo_cuda.so");
            if (ok && smezo_cuda_h.smezo_cuda_register() != 1) {
                throw new IllegalStateException("ggml-cuda refused smezo's ops: is libggml-cuda built with the smezo patch?");
            }
            present = ok;
        }
        return present;
    }

    /** CUDA devices visible to this process; 0 without CUDA libraries. */
    public static int deviceCount() {
        return librariesPresent() ? ggml_cuda_h.ggml_backend_cuda_get_device_count() : 0;
    }

    @Override
    public MemorySegment handle() {
        return backend;
    }

    /** Device memory: weights, compute buffers and graph inputs of this backend go here. */
    @Override
    public MemorySegment bufferType() {
        return ggml_cuda_h.ggml_backend_cuda_buffer_type(device);
    }

    @Override
    public void compute(MemorySegment graph) {
        int status = ggml_backend_graph_compute(backend, graph);
        if (status != 0) throw new IllegalStateException("ggml_backend_graph_compute (CUDA) failed with status " + status);
    }

    public DeviceMemory memory() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(ValueLayout.JAVA_LONG), total = a.allocate(ValueLayout.JAVA_LONG);
            ggml_cuda_h.ggml_backend_cuda_get_device_memory(device, free, total);
            return new DeviceMemory(free.get(ValueLayout.JAVA_LONG, 0), total.get(ValueLayout.JAVA_LONG, 0));
        }
    }

    /** The device's name, as CUDA gives it. */
    public String description() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256);
            ggml_cuda_h.ggml_backend_cuda_get_device_description(device, buf, buf.byteSize());
            return buf.getString(0);
        }
    }

    @Override
    public void close() {
        ggml_backend_free(backend);
    }
}
