package dev.smezo.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Text files read strictly as UTF-8, with errors that name the file and where in it. */
public final class TextFile {
    private TextFile() {}

    /**
     * The whole file as a string.
     *
     * @throws IOException naming the file: a directory, or bytes that are not UTF-8 (with the
     *         byte offset and line of the first bad one)
     */
    public static String read(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new IOException(file + ": a directory, not a text file");
        return decode(Files.readAllBytes(file), file.toString());
    }

    /** {@code bytes} as UTF-8; {@code source} names them in the error. */
    public static String decode(byte[] bytes, String source) throws IOException {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);   // UTF-8 never decodes to more chars than bytes
        CoderResult r = d.decode(in, out, true);
        if (!r.isError()) r = d.flush(out);
        if (r.isError()) {
            int at = in.position(), line = 1;
            for (int i = 0; i < at; i++) if (bytes[i] == '\n') line++;
            throw new IOException(String.format("%s: not UTF-8 text: byte offset %d (line %d)", source, at, line));
        }
        return out.flip().toString();
    }
}
