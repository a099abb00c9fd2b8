package dev.smezo.ggml;

import static dev.smezo.bindings.ggml_h.*;

import dev.smezo.bindings.ggml_init_params;
import dev.smezo.model.Weights;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collection;

/**
 * The model's weights in a device buffer (CUDA): one ggml tensor per {@link Weights.Entry}, allocated
 * together in buffers of the given type and uploaded once from the memory Java owns. The device copy
 * is then the one that forwards read and the update changes in place; {@link #download} brings it
 * back into the Java memory (for a checkpoint), {@link #upload} sends the Java memory again.
 * The same surface as {@code dev.smezo.forward.BackendWeights}, which wraps the Java memory on the CPU.
 */
public final class DeviceWeights extends TensorTable implements AutoCloseable {
    private static final int USAGE_WEIGHTS = 1; // GGML_BACKEND_BUFFER_USAGE_WEIGHTS

    private final Weights weights;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment ctx;
    private final MemorySegment buffer;

    /**
     * Allocates the device copy and uploads every tensor.
     *
     * @param bufferType a device buffer type, e.g. {@link CudaBackend#bufferType()}
     * @throws OutOfMemoryError when the device has no room for the weights
     */
    public DeviceWeights(Weights weights, MemorySegment bufferType) {
        Ggml.init();
        this.weights = weights;
        long meta = (long) (weights.entries().size() + 1) * ggml_tensor_overhead();
        this.ctx = ggml_init(ggml_init_params.allocate(arena, meta, MemorySegment.NULL, true));
        if (ctx.equals(MemorySegment.NULL)) throw new OutOfMemoryError("ggml_init failed for " + meta + " bytes");
        try {
            for (Weights.Entry e : weights.entries()) {
                MemorySegment dims = arena.allocateFrom(ValueLayout.JAVA_LONG, e.ne());
                Tensor t = new Tensor(ggml_new_tensor(ctx, e.type().id(), e.dims(), dims));
                if (t.bytes() != e.bytes()) {
                    throw new IllegalStateException(e.name() + ": ggml counts " + t.bytes() + " bytes, the model " + e.bytes());
                }
                try (Arena a = Arena.ofConfined()) {
                    ggml_set_name(t.address(), a.allocateFrom(e.name()));
                }
                put(e.name(), t);
            }
            this.buffer = ggml_backend_alloc_ctx_tensors_from_buft(ctx, bufferType);
            if (buffer.equals(MemorySegment.NULL)) {
                throw new OutOfMemoryError("cannot allocate " + weights.totalBytes() + " bytes of "
                        + ggml_backend_buft_name(bufferType).reinterpret(256).getString(0) + " memory for the weights");
            }
        } catch (RuntimeException | Error e) {
            ggml_free(ctx);
            arena.close();
            throw e;
        }
        ggml_backend_buffer_set_usage(buffer, USAGE_WEIGHTS);
        upload();
    }

    /** Java memory -> device, every tensor. */
    public void upload() {
        for (Weights.Entry e : weights.entries()) tensor(e.name()).set(weights.data(e), 0);
    }

    /** Device -> Java memory, every tensor (what a checkpoint writes). */
    public void download() {
        for (Weights.Entry e : weights.entries()) tensor(e.name()).get(weights.data(e), 0);
    }

    /** Device -> Java memory for the named tensors only (the trained ones, say). */
    public void download(Collection<String> names) {
        for (String n : names) tensor(n).get(weights.data(weights.get(n)), 0);
    }

    public Weights weights() {
        return weights;
    }

    /** Bytes of device memory the weights take (with the buffer type's alignment). */
    public long deviceBytes() {
        return ggml_backend_buffer_get_size(buffer);
    }

    @Override
    public void close() {
        ggml_backend_buffer_free(buffer);
        ggml_free(ctx);
        arena.close();
    }
}
