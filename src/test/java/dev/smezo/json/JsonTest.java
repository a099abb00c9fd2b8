package dev.smezo.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @Test
    void scalars() {
        assertEquals(Boolean.TRUE, Json.parse("true"));
        assertEquals(Boolean.FALSE, Json.parse(" false "));
        assertNull(Json.parse("null"));
        assertEquals("", Json.parse("\"\""));
        assertEquals("abc", Json.parse("\"abc\""));
    }

    @Test
    void numbersAreLongWhenIntegralElseDouble() {
        assertEquals(0L, Json.parse("0"));
        assertEquals(-0L, Json.parse("-0"));
        assertEquals(42L, Json.parse("42"));
        assertEquals(-7L, Json.parse("-7"));
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        // Past long's range: the nearest double.
        assertEquals(9223372036854775808.0, Json.parse("9223372036854775808"));
        assertEquals(1.5, Json.parse("1.5"));
        assertEquals(-0.25, Json.parse("-0.25"));
        assertEquals(1e10, Json.parse("1e10"));
        assertEquals(1e10, Json.parse("1E+10"));
        assertEquals(2.5e-3, Json.parse("2.5e-3"));
        assertInstanceOf(Double.class, Json.parse("1.0"));
        assertInstanceOf(Double.class, Json.parse("1e2"));
        assertEquals(0.0, Json.parse("0.0"));
    }

    @Test
    void stringEscapes() {
        assertEquals("a\"b\\c/d\b\f\n\r\t", Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\""));
        assertEquals("é", Json.parse("\"\\u00e9\""));
        assertEquals("É", Json.parse("\"\\u00C9\""));
        assertEquals("\u0000", Json.parse("\"\\u0000\""));
        // A surrogate pair, escaped, is one code point (U+1F600).
        String grin = (String) Json.parse("\"\\ud83d\\ude00\"");
        assertEquals(1, grin.codePointCount(0, grin.length()));
        assertEquals(0x1F600, grin.codePointAt(0));
        // Raw non-ASCII passes through.
        assertEquals("naïve 😀 “quotes”", Json.parse("\"naïve 😀 “quotes”\""));
    }

    @Test
    void nestingAndOrder() {
        Object v = Json.parse("{\"b\": [1, {\"c\": null}, []], \"a\": {}, \"z\": \"s\"}");
        Map<?, ?> m = assertInstanceOf(LinkedHashMap.class, v);
        assertEquals(List.of("b", "a", "z"), new ArrayList<>(m.keySet()));
        List<?> b = assertInstanceOf(ArrayList.class, m.get("b"));
        assertEquals(1L, b.get(0));
        assertTrue(((Map<?, ?>) b.get(1)).containsKey("c"));
        assertNull(((Map<?, ?>) b.get(1)).get("c"));
        assertEquals(List.of(), b.get(2));
        assertEquals(Map.of(), m.get("a"));
    }

    @Test
    void whitespaceEverywhereAndBom() {
        assertEquals(List.of(1L, 2L), Json.parse(" \t\r\n[ 1 ,\n 2 ]\n"));
        assertEquals(Map.of("k", 1L), Json.parse("\uFEFF{\"k\":1}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                     | 1 | 1  | end of input",
        "'   '                  | 1 | 4  | end of input",
        "'[1,]'                 | 1 | 4  | expected a value",
        "'{\"a\":1,}'           | 1 | 8  | member name",
        "'{\"a\" 1}'            | 1 | 6  | expected ':'",
        "'{a:1}'                | 1 | 2  | member name",
        "'[1 2]'                | 1 | 4  | expected ',' or ']'",
        "'{\"a\":1 \"b\":2}'    | 1 | 8  | expected ',' or '}'",
        "'01'                   | 1 | 2  | leading zero",
        "'-'                    | 1 | 2  | expected a digit",
        "'1.'                   | 1 | 3  | after '.'",
        "'.5'                   | 1 | 1  | expected a value",
        "'1e'                   | 1 | 3  | exponent",
        "'+1'                   | 1 | 1  | expected a value",
        "'NaN'                  | 1 | 1  | expected a value",
        "'Infinity'             | 1 | 1  | expected a value",
        "'tru'                  | 1 | 1  | expected a value",
        "'nul'                  | 1 | 1  | expected a value",
        "'\"abc'                | 1 | 1  | unterminated string",
        "'\"a\\x\"'             | 1 | 3  | invalid escape",
        "'\"\\u12G4\"'          | 1 | 6  | invalid hex digit",
        "'\"\\u12\"'            | 1 | 6  | hex digit",
        "'[1] x'                | 1 | 5  | after the JSON value",
        "'{\"a\":1}}'           | 1 | 8  | after the JSON value",
        "'\"a\" \"b\"'          | 1 | 5  | after the JSON value",
        "'// c\n1'              | 1 | 1  | expected a value",
        "'[\n1,\n  x]'          | 3 | 3  | expected a value",
        "'{\"a\":1,\"a\":2}'    | 1 | 8  | duplicate member name",
        "'''a'''                | 1 | 1  | expected a value",
    })
    void invalidInputsNameLineAndColumn(String text, int line, int column, String fragment) {
        String input = text.replace("\\n", "\n");
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(input), input);
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(e.getMessage().startsWith("line " + line + ", column " + column + ": "), e.getMessage());
    }

    @Test
    void rawControlCharacterInStringIsAnError() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("\"a\tb\""));
        assertEquals(3, e.column());
        assertTrue(e.getMessage().contains("U+0009"), e.getMessage());
        assertThrows(JsonException.class, () -> Json.parse("\"a\nb\""));
    }

    @Test
    void trailingGarbageOnLaterLine() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\"a\": 1}\n\n  ]"));
        assertEquals(3, e.line());
        assertEquals(3, e.column());
    }

    @Test
    void deepNestingIsRejectedNotAStackOverflow() {
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertInstanceOf(List.class, Json.parse(ok));
    }

    @Test
    void writeCompact() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", "sst2");
        m.put("n", 872L);
        m.put("accuracy", 0.5);
        m.put("ok", true);
        m.put("none", null);
        m.put("list", List.of(1, 2.5f, "x"));
        assertEquals("{\"task\":\"sst2\",\"n\":872,\"accuracy\":0.5,\"ok\":true,\"none\":null,\"list\":[1,2.5,\"x\"]}", Json.write(m));
    }

    @Test
    void writeEscapesAndRoundTrips() {
        String s = "q\"b\\s/n\nt\tr\rb\bf\f\u0001 é 😀";
        String json = Json.write(s);
        assertEquals("\"q\\\"b\\\\s/n\\nt\\tr\\rb\\bf\\f\\u0001 é 😀\"", json);
        assertEquals(s, Json.parse(json));
        Object v = Json.parse("{\"a\":[1,-2.5e-7,true,null,{\"b\":\"\\u2028\"}],\"c\":{}}");
        assertEquals(v, Json.parse(Json.write(v)));
    }

    @Test
    void writeRejectsWhatJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Double.POSITIVE_INFINITY)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, "x")));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new java.math.BigDecimal("1.5")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.7976931348623157E308", "4.9E-324", "0.1", "123456.789", "-1.0E-5"})
    void doublesRoundTripExactly(String d) {
        double v = Double.parseDouble(d);
        assertEquals(v, (Double) Json.parse(Json.write(v)));
    }

    @Test
    void writeIterablesOfAnyKind() {
        assertEquals("[\"a\",\"b\"]", Json.write(Arrays.asList("a", "b")));
        assertEquals("[]", Json.write(List.of()));
        assertEquals("{}", Json.write(Map.of()));
    }
}
