package dev.smezo.gguf;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The enums against the llama.cpp source they transcribe: ggml.h ids, ggml.c type names, gguf-py's
 * block geometry table, gguf.h value type ids: the source the native libraries were built from
 * (source-dir.txt beside them), or -Dsmezo.llama.src; skipped when neither is there.
 */
class GgmlTypeTest {

    static Path llamaSource() {
        Stream<Path> candidates = Stream.of(System.getProperty("smezo.llama.src"), builtFrom())
                .filter(s -> s != null).map(Path::of);
        Path found = candidates.filter(p -> Files.isRegularFile(p.resolve("ggml/include/ggml.h"))).findFirst().orElse(null);
        Assumptions.assumeTrue(found != null, "no llama.cpp source tree found (set -Dsmezo.llama.src)");
        return found;
    }

    /** native/build.sh writes the source directory beside the libraries. */
    static String builtFrom() {
        String dir = System.getProperty("smezo.native.dir");
        if (dir == null) return null;
        try {
            return Files.readString(Path.of(dir, "source-dir.txt")).strip();
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void idsMatchGgmlH() throws IOException {
        String h = Files.readString(llamaSource().resolve("ggml/include/ggml.h"));
        String body = h.substring(h.indexOf("enum ggml_type {"), h.indexOf("};", h.indexOf("enum ggml_type {")));
        Matcher m = Pattern.compile("(?m)^\\s*(//\\s*)?GGML_TYPE_(\\w+)\\s*=\\s*(\\d+)").matcher(body);
        Map<Integer, String> defined = new TreeMap<>();
        int removed = 0, count = -1;
        while (m.find()) {
            int id = Integer.parseInt(m.group(3));
            if (m.group(2).equals("COUNT")) count = id;
            else if (m.group(1) != null) {
                removed++;
                int rid = id;
                assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(rid), "removed id " + id);
            } else defined.put(id, m.group(2));
        }
        assertEquals(GgmlType.COUNT, count, "GGML_TYPE_COUNT");
        assertEquals(8, removed);
        assertEquals(defined.size(), GgmlType.values().length);
        defined.forEach((id, name) -> {
            assertEquals(name, GgmlType.fromId(id).name(), "id " + id);
            assertEquals(id, GgmlType.valueOf(name).id());
        });
        int end = count;
        assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(end));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(-1));
    }

    @Test
    void namesMatchGgmlCTypeTraits() throws IOException {
        String c = Files.readString(llamaSource().resolve("ggml/src/ggml.c"));
        Matcher m = Pattern.compile("\\[GGML_TYPE_(\\w+)]\\s*=\\s*\\{\\s*\\.type_name\\s*=\\s*\"([^\"]+)\"").matcher(c);
        int n = 0;
        while (m.find()) {
            assertEquals(m.group(2), GgmlType.valueOf(m.group(1)).ggmlName(), m.group(1));
            n++;
        }
        assertEquals(GgmlType.values().length, n);
    }

    /** gguf-py writes each block size as arithmetic on QK_K, e.g. (256, 2 + 2 + QK_K // 16 + QK_K // 4). */
    @Test
    void blockGeometryMatchesGgufPy() throws IOException {
        Path py = llamaSource().resolve("gguf-py/gguf/constants.py");
        Assumptions.assumeTrue(Files.isRegularFile(py), "no gguf-py in the source tree");
        Matcher m = Pattern.compile("GGMLQuantizationType\\.(\\w+):\\s*\\((\\d+),\\s*([^)]+)\\)").matcher(Files.readString(py));
        Map<String, int[]> sizes = new HashMap<>();
        while (m.find()) sizes.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), eval(m.group(3))});
        assertEquals(GgmlType.values().length, sizes.size());
        for (GgmlType t : GgmlType.values()) {
            int[] s = sizes.get(t.name());
            assertNotNull(s, t.name());
            assertEquals(s[0], t.blockSize(), t + " block size");
            assertEquals(s[1], t.typeSize(), t + " type size");
        }
    }

    /** Sums of products and floor divisions of integers and QK_K: all the table uses. */
    static int eval(String expr) {
        int sum = 0;
        for (String term : expr.split("\\+")) {
            Matcher tok = Pattern.compile("\\d+|QK_K|\\*|//").matcher(term);
            tok.find();
            int v = atom(tok.group());
            while (tok.find()) {
                String op = tok.group();
                if (!tok.find()) throw new IllegalArgumentException("cannot evaluate " + expr);
                v = op.equals("*") ? v * atom(tok.group()) : v / atom(tok.group());
            }
            sum += v;
        }
        return sum;
    }

    private static int atom(String s) {
        s = s.trim();
        return s.equals("QK_K") ? 256 : Integer.parseInt(s);
    }

    @Test
    void valueTypeIdsMatchGgufH() throws IOException {
        String h = Files.readString(llamaSource().resolve("ggml/include/gguf.h"));
        Matcher m = Pattern.compile("GGUF_TYPE_(\\w+)\\s*=\\s*(\\d+)").matcher(h);
        int n = 0;
        while (m.find()) {
            assertEquals(m.group(1), GgufValueType.fromId(Integer.parseInt(m.group(2))).name());
            n++;
        }
        assertEquals(GgufValueType.values().length, n);
    }

    @Test
    void sizes() {
        assertEquals(4096, GgmlType.F32.rowBytes(1024));
        assertEquals(18 * 4, GgmlType.Q4_0.rowBytes(128));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.Q4_K.rowBytes(128));
        assertEquals(210L * 16 * 4096, GgmlType.Q6_K.bytes(new long[] {4096, 4096}));
        assertEquals(2L * 4096 * 32000, GgmlType.F16.bytes(new long[] {4096, 32000}), "beyond 2^31 bytes");
        assertThrows(ArithmeticException.class, () -> GgmlType.F32.bytes(new long[] {1L << 40, 1L << 40}));
        assertEquals(0, GgmlType.F32.bytes(new long[] {1L << 62, 4, 0}), "no elements, no overflow");
        assertTrue(GgmlType.BF16.isFloat() && GgmlType.F16.isFloat() && GgmlType.F32.isFloat());
        assertFalse(GgmlType.F64.isFloat() || GgmlType.Q8_0.isFloat() || GgmlType.I32.isFloat());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GgmlType.fromId(31));
        assertTrue(e.getMessage().contains("31"), e.getMessage());
    }
}
