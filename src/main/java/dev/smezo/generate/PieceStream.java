package dev.smezo.generate;

import static dev.smezo.bindings.llama_h.llama_token_to_piece;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Generated tokens to text as it comes: each token's bytes from libllama ({@code llama_token_to_piece}),
 * through {@link Utf8Stream} so a character spelled by several byte tokens comes out whole.
 */
final class PieceStream implements AutoCloseable {
    private final MemorySegment vocab;
    private final Arena arena = Arena.ofConfined();
    private MemorySegment buf = arena.allocate(256);
    private final Utf8Stream utf8 = new Utf8Stream();
    private final ByteArrayOutputStream all = new ByteArrayOutputStream();

    PieceStream(MemorySegment vocab) {
        this.vocab = vocab;
    }

    /** The text {@code token} completes, possibly "" (a character's first bytes, a control token). */
    String push(int token) {
        byte[] piece = piece(token);
        all.writeBytes(piece);
        return utf8.push(piece);
    }

    /** What is still held back (an unfinished character at the end), "" when nothing. */
    String finish() {
        return utf8.flush();
    }

    /** Every token's bytes so far, decoded at once. */
    String text() {
        return all.toString(StandardCharsets.UTF_8);
    }

    /**
     * A token's bytes as llama-cli prints them: control tokens (BOS, chat markers) render as nothing
     * (its --special is off by default), byte tokens as their one raw byte.
     */
    private byte[] piece(int token) {
        int n = llama_token_to_piece(vocab, token, buf, (int) buf.byteSize(), 0, false);
        if (n < 0) {
            buf = arena.allocate(-n);
            n = llama_token_to_piece(vocab, token, buf, (int) buf.byteSize(), 0, false);
        }
        return buf.asSlice(0, Math.max(n, 0)).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public void close() {
        arena.close();
    }
}
