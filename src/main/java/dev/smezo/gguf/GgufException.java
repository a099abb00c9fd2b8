package dev.smezo.gguf;

/**
 * A malformed or hostile GGUF file, or a metadata value that is missing or has the wrong type.
 *
 * <p>The message reads {@code "<file>: offset <n>: <what was wrong>"}, naming the key or tensor when
 * known; the offset is that of the field at fault, and is left out (and {@link #offset()} is -1)
 * when no position applies, as for a key that is absent.
 *
 * <p>Unchecked on purpose: a bad model file is reported where the command started, not handled
 * where it was found, and the typed metadata getters of {@link Gguf} throw it too, where a checked
 * exception would clutter every lookup. {@code read} and {@code open} still declare it.
 */
public final class GgufException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long offset;

    public GgufException(String source, long offset, String problem) {
        this(source, offset, problem, null);
    }

    public GgufException(String source, long offset, String problem, Throwable cause) {
        super(source + ": " + (offset >= 0 ? "offset " + offset + ": " : "") + problem, cause);
        this.source = source;
        this.offset = offset;
    }

    /** Where the fault is in the file, or -1 when no position applies. */
    public long offset() {
        return offset;
    }

    /** The file (or the name given to {@link Gguf#read}) at fault. */
    public String source() {
        return source;
    }
}
