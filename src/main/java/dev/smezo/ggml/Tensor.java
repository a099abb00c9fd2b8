package dev.smezo.ggml;

import dev.smezo.bindings.ggml_h;
import dev.smezo.bindings.ggml_tensor;
import dev.smezo.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/** A {@code struct ggml_tensor *}: a handle, owned by the ggml context that made it. */
public record Tensor(MemorySegment address) {
    public Tensor {
        if (address == null || address.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("ggml returned a NULL tensor (context out of memory?)");
        }
    }

    public GgmlType type() {
        return GgmlType.fromId(ggml_tensor.type(address));
    }

    public long ne(int dim) {
        return ggml_tensor.ne(address, dim);
    }

    public long[] shape() {
        return new long[] {ne(0), ne(1), ne(2), ne(3)};
    }

    public long nb(int dim) {
        return ggml_tensor.nb(address, dim);
    }

    public long elements() {
        return ggml_h.ggml_nelements(address);
    }

    public long bytes() {
        return ggml_h.ggml_nbytes(address);
    }

    /** Where the data lives (host address on CPU buffers; device address otherwise). */
    public MemorySegment data() {
        return ggml_tensor.data(address);
    }

    /** Copies into this tensor from host memory, whatever backend holds it. */
    public void set(MemorySegment src, long offset) {
        ggml_h.ggml_backend_tensor_set(address, src, offset, src.byteSize());
    }

    /** Copies this tensor (from {@code offset}, {@code dst.byteSize()} bytes) into host memory. */
    public void get(MemorySegment dst, long offset) {
        ggml_h.ggml_backend_tensor_get(address, dst, offset, dst.byteSize());
    }
}
