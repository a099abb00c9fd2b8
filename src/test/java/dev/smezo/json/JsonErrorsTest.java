package dev.smezo.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parse errors word for word, and the values at the edges of the number mapping. ParseErrors reads
 * Jackson's messages, so a Jackson upgrade that rewords or moves one fails here first.
 */
class JsonErrorsTest {

    static Stream<Arguments> errors() {
        return Stream.of(
                // A bad character, named and placed; what was expected in JSON's words.
                arguments("[1 2]", "line 1, column 4: unexpected character '2' (expected ',' or ']')"),
                arguments("{\"a\":1 \"b\":2}", "line 1, column 8: unexpected character '\"' (expected ',' or '}')"),
                arguments("{\"a\" 1}", "line 1, column 6: unexpected character '1' (expected ':')"),
                arguments("{,}", "line 1, column 2: unexpected character ',' (expected a member name in double quotes)"),
                arguments("[\"a\",]", "line 1, column 6: unexpected character ']' (expected a value)"),
                arguments("'a'", "line 1, column 1: unexpected character ''' (expected a value)"),
                arguments("// c\n1", "line 1, column 1: unexpected character '/' (expected a value; JSON has no comments)"),
                arguments("[1, x]", "line 1, column 5: unexpected 'x' (expected a value)"),
                arguments("[tru]", "line 1, column 2: unexpected 'tru' (expected a value)"),
                arguments("NaN", "line 1, column 1: unexpected 'NaN' (expected a value; JSON has no NaN or Infinity)"),
                arguments("[-Infinity]", "line 1, column 2: unexpected '-Infinity' (expected a value; JSON has no NaN or Infinity)"),
                arguments("[+1]", "line 1, column 2: unexpected character '+' (expected a value; JSON numbers have no '+')"),
                arguments("[1,\uFEFF2]", "line 1, column 4: unexpected character U+FEFF (expected a value)"),
                arguments("\u000b1", "line 1, column 1: unexpected character U+000B (only space, tab, CR and LF may separate tokens)"),
                arguments("\"a\u0001\"", "line 1, column 3: raw control character U+0001 in string (escape it)"),
                // Numbers.
                arguments("[01]", "line 1, column 3: leading zero in number"),
                arguments("1.x", "line 1, column 3: unexpected character 'x' (expected a digit after '.')"),
                arguments("1.", "line 1, column 3: unexpected end of input (expected a digit after '.')"),
                arguments("1e+x", "line 1, column 4: unexpected character 'x' (expected a digit in the exponent)"),
                arguments("[-]", "line 1, column 3: unexpected character ']' (expected a digit after '-')"),
                arguments("-", "line 1, column 2: unexpected end of input (expected a digit after '-')"),
                arguments("1".repeat(1001), "line 1, column 1: number value length (1001) exceeds the maximum allowed (1000)"),
                // Strings and escapes.
                arguments("[\"abc", "line 1, column 2: unterminated string"),
                arguments("{\"abc", "line 1, column 6: unexpected end of input in a member name"),
                arguments("\"a\\x\"", "line 1, column 3: invalid escape '\\x'"),
                arguments("\"\\u12G4\"", "line 1, column 6: invalid hex digit 'G' in a \\u escape"),
                arguments("\"\\u", "line 1, column 4: unexpected end of input in an escape sequence"),
                // Brackets: the open one is named where it matters.
                arguments("{\n  \"a\": [1,\n  2}", "line 3, column 4: unexpected '}' (expected ']' for the '[' at line 2, column 8)"),
                arguments("[\n[\n", "line 3, column 1: unexpected end of input (expected ']' for the '[' at line 2, column 1)"),
                arguments("[1,", "line 1, column 4: unexpected end of input inside an array"),
                arguments("{\"a\":", "line 1, column 6: unexpected end of input inside an object"),
                arguments("]", "line 1, column 1: unexpected ']' (expected a value)"),
                arguments("", "line 1, column 1: unexpected end of input (expected a value)"),
                // Trailing garbage after the one value.
                arguments("{}}", "line 1, column 3: unexpected '}' after the JSON value"),
                arguments("[1] x", "line 1, column 5: unexpected 'x' after the JSON value"),
                arguments("[1]\n\n  [2]", "line 3, column 3: unexpected '[' after the JSON value"),
                arguments("123abc", "line 1, column 4: unexpected character 'a' after the JSON value"),
                // Duplicate names point at the second one, at any depth.
                arguments("{\"a\":1,\"a\":2}", "line 1, column 8: duplicate member name \"a\""),
                arguments("{\"o\":{\"b\":[],\n \"b\":null}}", "line 2, column 2: duplicate member name \"b\""),
                // Nesting: the bracket one too deep.
                arguments("[".repeat(Json.MAX_DEPTH + 1), "line 1, column 513: nesting deeper than 512"),
                arguments("{\"a\":".repeat(Json.MAX_DEPTH + 1), "line 1, column 2561: nesting deeper than 512"),
                // Lines end at LF only, as JSON Lines and `wc -l` count them (a CR is whitespace).
                arguments("[1,\r\n\r x]", "line 2, column 3: unexpected 'x' (expected a value)"));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void errorMessage(String text, String message) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(text));
        assertEquals(message, e.getMessage());
        assertEquals(message, "line " + e.line() + ", column " + e.column() + ": " + e.reason());
        assertEquals(null, e.source());
        // None of Jackson's own phrasing leaks through.
        for (String jackson : List.of("Source", "code ", "`", "JSON String, Number", "end-of-input", "Feature")) {
            assertFalse(e.getMessage().contains(jackson), e.getMessage());
        }
    }

    @Test
    void nestingUpToTheLimitIsFine() {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertInstanceOf(List.class, Json.parse(ok));
    }

    @Test
    void numbersPastTheirRange() {
        // Integers past long's range: the nearest double (kept from the hand-written parser).
        assertEquals(9.223372036854775808E18, Json.parse("9223372036854775808"));
        assertEquals(-9.223372036854775809E18, Json.parse("-9223372036854775809"));
        assertEquals(1e30, Json.parse("1" + "0".repeat(30)));
        assertEquals(Double.POSITIVE_INFINITY, Json.parse("1" + "0".repeat(999)));
        // Decimals past double's range: an infinity or zero, as Double.parseDouble gives them.
        assertEquals(Double.POSITIVE_INFINITY, Json.parse("1e400"));
        assertEquals(Double.NEGATIVE_INFINITY, Json.parse("-1e400"));
        assertEquals(0.0, Json.parse("1e-400"));
        assertEquals(-0.0, Json.parse("-0.0"));
        assertEquals(0L, Json.parse("-0"));
    }

    @Test
    void writeThenParseIsTheIdentity() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("quote\"back\\slash", "tab\tnl\ncr\r\u0000\u001f\u007f é 😀 \u2028");
        inner.put("empty", Map.of());
        inner.put("none", null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("longs", List.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
        m.put("doubles", List.of(0.1, -0.0, 1.0E-5, Double.MIN_VALUE, Double.MAX_VALUE, 123456.789, 1.0E21));
        m.put("flags", List.of(true, false));
        m.put("inner", inner);
        m.put("nested", List.of(List.of(), List.of(List.of("x"))));
        String json = Json.write(m);
        Object back = Json.parse(json);
        assertEquals(m, back);
        assertEquals(json, Json.write(back));
    }
}
