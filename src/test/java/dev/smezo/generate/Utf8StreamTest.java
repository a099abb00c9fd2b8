package dev.smezo.generate;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Pure Java: every way of cutting UTF-8 bytes into pieces streams the same text as decoding them at once. */
class Utf8StreamTest {
    @Test
    void everySplitOfValidTextStreamsWholeCharacters() {
        byte[] b = "a\u00e9\u2603\ud83d\ude00\u65e5z".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i <= b.length; i++) {
            for (int j = i; j <= b.length; j++) {
                Utf8Stream s = new Utf8Stream();
                String out = s.push(slice(b, 0, i)) + s.push(slice(b, i, j)) + s.push(slice(b, j, b.length)) + s.flush();
                assertEquals(new String(b, StandardCharsets.UTF_8), out, "cut at " + i + ", " + j);
            }
        }
    }

    @Test
    void byteByByteNeverEmitsAHalfCharacter() {
        byte[] b = "\ud83d\ude00\u2603".getBytes(StandardCharsets.UTF_8);
        Utf8Stream s = new Utf8Stream();
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            String piece = s.push(new byte[] {x});
            assertFalse(piece.contains("\ufffd"), "a half character came out");
            sb.append(piece);
        }
        assertEquals("", s.flush());
        assertEquals("\ud83d\ude00\u2603", sb.toString());
    }

    @Test
    void malformedBytesDecodeAsTheyWouldAtOnce() {
        byte[][] cases = {{(byte) 0xE2, 'a'}, {(byte) 0x80, (byte) 0x80, 'b'}, {'c', (byte) 0xF0, (byte) 0x9F}};
        for (byte[] b : cases) {
            Utf8Stream s = new Utf8Stream();
            StringBuilder sb = new StringBuilder();
            for (byte x : b) sb.append(s.push(new byte[] {x}));
            sb.append(s.flush());
            assertEquals(new String(b, StandardCharsets.UTF_8), sb.toString());
        }
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }
}
