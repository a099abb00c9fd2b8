package dev.smezo.generate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns a stream of byte pieces into text without splitting a character: a byte-fallback vocabulary
 * (SentencePiece's {@code <0xE2>} tokens) spells one multi-byte UTF-8 character over several tokens,
 * and decoding each piece alone would print U+FFFD for each part. An unfinished sequence at the end
 * of a piece is held back until the bytes that complete it arrive, so the concatenated output equals
 * decoding all bytes at once.
 */
final class Utf8Stream {
    private final ByteArrayOutputStream held = new ByteArrayOutputStream(4);

    /** The text that {@code piece}, after what was held back, completes ("" when nothing yet). */
    String push(byte[] piece) {
        held.writeBytes(piece);
        byte[] b = held.toByteArray();
        int cut = completeLength(b);
        held.reset();
        held.write(b, cut, b.length - cut);
        return new String(b, 0, cut, StandardCharsets.UTF_8);
    }

    /** Whatever is still held (an unfinished character decodes to U+FFFD, as it would at once). */
    String flush() {
        String rest = held.toString(StandardCharsets.UTF_8);
        held.reset();
        return rest;
    }

    /** The length of {@code b} minus a trailing lead byte and the continuation bytes after it, if they are too few. */
    static int completeLength(byte[] b) {
        int n = b.length;
        for (int i = n - 1; i >= Math.max(0, n - 4); i--) {
            int x = b[i] & 0xFF;
            if ((x & 0xC0) == 0x80) continue;   // 10xxxxxx: a continuation byte, look further back
            int need = x >= 0xF0 ? 4 : x >= 0xE0 ? 3 : x >= 0xC0 ? 2 : 1;
            return n - i < need ? i : n;
        }
        return n;   // only continuation bytes (malformed): nothing to wait for
    }
}
