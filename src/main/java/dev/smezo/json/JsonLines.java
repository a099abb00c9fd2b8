package dev.smezo.json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * JSON Lines files (one JSON value per line, as {@link Json#parse} reads it), streamed: memory
 * holds one line at a time, not the file. Lines end in LF or CRLF; blank lines (spaces and tabs
 * only) are skipped but counted; a UTF-8 byte-order mark at the start of the file is skipped. The
 * bytes are decoded strictly as UTF-8. Every error is a {@link JsonException} whose message reads
 * {@code FILE:LINE:COLUMN: REASON}, for bytes that are not UTF-8 as for bad JSON.
 */
public final class JsonLines {
    private JsonLines() {}

    /** Takes each value of a file with its 1-based line number. */
    @FunctionalInterface
    public interface Handler {
        void value(int line, Object value);
    }

    /** Calls {@code handler} for each non-blank line of {@code file}, in order. */
    public static void read(Path file, Handler handler) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            new Reader(file.toString(), handler).read(in);
        }
    }

    /** Line {@code line} of {@code source}, already split off by the caller: errors as {@link #read} gives them. */
    public static Object parseLine(String source, int line, String text) {
        return JsonReader.parse(text.toCharArray(), 0, text.length(), source, line);
    }

    private static final class Reader {
        private final String source;
        private final Handler handler;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private byte[] bytes = new byte[1 << 16];
        private char[] chars = new char[1 << 16];
        private long fileOffset;   // of bytes[0]
        private int line = 1;

        Reader(String source, Handler handler) {
            this.source = source;
            this.handler = handler;
        }

        void read(InputStream in) throws IOException {
            int length = 0, scanned = 0;
            for (int n; (n = in.read(bytes, length, bytes.length - length)) >= 0; ) {
                length += n;
                int from = 0;
                for (int i = scanned; i < length; i++) {
                    if (bytes[i] != '\n') continue;
                    line(from, i);
                    from = i + 1;
                    line++;
                }
                // Keep the unfinished line at the front; a line longer than the buffer doubles it.
                System.arraycopy(bytes, from, bytes, 0, length - from);
                fileOffset += from;
                length -= from;
                scanned = length;
                if (length == bytes.length) bytes = Arrays.copyOf(bytes, 2 * bytes.length);
            }
            if (length > 0) line(0, length);   // the last line, without a newline
        }

        /** The line in {@code bytes[from, to)}, its LF cut off. */
        private void line(int from, int to) {
            if (to > from && bytes[to - 1] == '\r') to--;
            if (line == 1 && to - from >= 3 && bytes[from] == (byte) 0xEF && bytes[from + 1] == (byte) 0xBB && bytes[from + 2] == (byte) 0xBF) {
                from += 3;
            }
            if (blank(from, to)) return;
            if (chars.length < to - from) chars = new char[Math.max(to - from, 2 * chars.length)];
            // UTF-8 never decodes to more chars than it has bytes, so one decode call does the line.
            ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
            CharBuffer out = CharBuffer.wrap(chars);
            utf8.reset();
            CoderResult r = utf8.decode(in, out, true);
            if (!r.isError()) r = utf8.flush(out);
            if (r.isError()) {
                int at = in.position();
                throw new JsonException(source, String.format("not UTF-8 text (byte 0x%02X at byte offset %d)",
                        bytes[at] & 0xff, fileOffset + at), line, out.position() + 1, null);
            }
            handler.value(line, JsonReader.parse(chars, 0, out.position(), source, line));
        }

        private boolean blank(int from, int to) {
            for (int i = from; i < to; i++) {
                if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') return false;
            }
            return true;
        }
    }
}
