package dev.smezo.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesTest {
    @TempDir
    Path dir;

    private Path file(byte[] bytes) throws IOException {
        Path p = dir.resolve("data.jsonl");
        Files.write(p, bytes);
        return p;
    }

    private Path file(String text) throws IOException {
        return file(text.getBytes(StandardCharsets.UTF_8));
    }

    /** "LINE=VALUE" for each value read. */
    private static List<String> read(Path p) throws IOException {
        List<String> out = new ArrayList<>();
        JsonLines.read(p, (line, v) -> out.add(line + "=" + v));
        return out;
    }

    private static JsonException error(Path p) {
        return assertThrows(JsonException.class, () -> read(p));
    }

    @Test
    void blankLinesAreSkippedButCountedAndCrlfAndALastLineWithoutNewlineAreRead() throws IOException {
        Path p = file("{\"a\":1}\n\n  \t\r\n[2, \"x\"]\r\n\"last\"");
        assertEquals(List.of("1={a=1}", "4=[2, x]", "5=last"), read(p));
        assertEquals(List.of(), read(file("")));
        assertEquals(List.of(), read(file("\n \n\r\n")));
    }

    @Test
    void aBadLineNamesFileLineAndColumn() throws IOException {
        Path p = file("{\"a\": 1}\n{\"a\": 2}\n\n{\"a\": tru}\n{\"a\": 4}\n");
        JsonException e = error(p);
        assertEquals(p + ":4:7: unexpected 'tru' (expected a value)", e.getMessage());
        assertEquals(p.toString(), e.source());
        assertEquals(4, e.line());
        assertEquals(7, e.column());
        assertEquals("unexpected 'tru' (expected a value)", e.reason());
        // Two values on one line, or one spread over two, are errors: a line is one value.
        assertEquals(p + ":1:5: unexpected '2' after the JSON value", error(file("[1] 2\n")).getMessage());
        assertEquals(p + ":1:3: unexpected end of input (expected ']' for the '[' at line 1, column 1)",
                error(file("[1\n]\n")).getMessage());
    }

    @Test
    void lineNumbersHoldAcrossTheReadBuffer() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 20_000; i++) sb.append(i == 17_777 ? "{\"n\": 17777,}" : "{\"n\": " + i + "}").append('\n');
        JsonException e = error(file(sb.toString()));
        assertEquals(17_777, e.line());
        assertEquals(13, e.column());
        // A line longer than the buffer grows it.
        String big = "x".repeat(300_000);
        List<String> out = new ArrayList<>();
        JsonLines.read(file("1\n\"" + big + "\"\n3\n"), (line, v) -> out.add(line + ":" + ((Object) v).toString().length()));
        assertEquals(List.of("1:1", "2:300000", "3:1"), out);
    }

    @Test
    void invalidUtf8NamesItsLineColumnAndByte() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("{\"t\": \"ok\"}\n\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes("{\"t\": \"caf".getBytes(StandardCharsets.UTF_8));
        b.write(0xE9);   // é in Latin-1
        b.writeBytes("\"}\n".getBytes(StandardCharsets.UTF_8));
        Path p = file(b.toByteArray());
        JsonException e = error(p);
        assertEquals(p + ":3:11: not UTF-8 text (byte 0xE9 at byte offset 23)", e.getMessage());
        // Decoding is strict: an overlong form, an encoded surrogate, a sequence cut by the line end.
        assertEquals(3, error(file(new byte[] {'1', '\n', '2', '\n', '"', (byte) 0xC0, (byte) 0xAF, '"'})).line());
        assertEquals(1, error(file(new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'})).line());
        assertEquals(p + ":1:2: not UTF-8 text (byte 0xC3 at byte offset 1)",
                error(file(new byte[] {'"', (byte) 0xC3, '\n', '"', '\n'})).getMessage());
    }

    @Test
    void aByteOrderMarkIsSkippedAtTheStartOfTheFileOnly() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(bom);
        b.writeBytes("{\"a\":1}\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("1={a=1}"), read(file(b.toByteArray())));
        // Columns on line 1 count from after the mark.
        b.reset();
        b.writeBytes(bom);
        b.writeBytes("[x]".getBytes(StandardCharsets.UTF_8));
        assertEquals(2, error(file(b.toByteArray())).column());
        // Elsewhere (two files concatenated) it is reported.
        b.reset();
        b.writeBytes("1\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(bom);
        b.writeBytes("2\n".getBytes(StandardCharsets.UTF_8));
        Path p = file(b.toByteArray());
        assertEquals(p + ":2:1: unexpected character U+FEFF (expected a value)", error(p).getMessage());
    }

    @Test
    void theHandlersOwnErrorsPassThroughAndAMissingFileIsAnIOException() throws IOException {
        Path p = file("{}\n[]\n");
        IllegalStateException mine = new IllegalStateException("not an object");
        assertSame(mine, assertThrows(IllegalStateException.class, () -> JsonLines.read(p, (line, v) -> {
            if (!(v instanceof Map)) throw mine;
        })));
        assertThrows(NoSuchFileException.class, () -> read(dir.resolve("none.jsonl")));
    }

    @Test
    void parseLineReportsLikeTheReader() {
        JsonException e = assertThrows(JsonException.class, () -> JsonLines.parseLine("run/metrics.jsonl", 7, "{\"step\": 1,}"));
        assertEquals("run/metrics.jsonl:7:12: unexpected character '}' (expected a member name in double quotes)", e.getMessage());
        assertEquals(Map.of("step", 1L), JsonLines.parseLine("x", 1, "{\"step\": 1}"));
    }
}
