package dev.smezo.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON parser smezo had before {@link Json} moved to Jackson (commit 86cd447), kept only for
 * {@link JsonLinesBenchmark} to measure the new one against.
 */
final class HandWrittenJson {
    private static final int MAX_DEPTH = Json.MAX_DEPTH;

    private final String s;
    private int pos;

    private HandWrittenJson(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        HandWrittenJson p = new HandWrittenJson(text);
        if (text.startsWith("\uFEFF")) p.pos = 1;
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos < text.length()) throw p.error("unexpected " + p.describe(p.pos) + " after the JSON value");
        return value;
    }

    private Object value(int depth) {
        if (pos >= s.length()) throw error("unexpected end of input, expected a value");
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected " + describe(pos) + ", expected a value");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("expected a string member name, found " + describe(pos));
            int keyPos = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value(depth);
            if (map.containsKey(key)) throw errorAt(keyPos, "duplicate member name \"" + key + "\"");
            map.put(key, v);
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') return map;
            if (c != ',') throw errorAt(pos - 1, "expected ',' or '}' in object, found " + describe(pos - 1));
        }
    }

    private List<Object> array(int depth) {
        checkDepth(depth);
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value(depth));
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') return list;
            if (c != ',') throw errorAt(pos - 1, "expected ',' or ']' in array, found " + describe(pos - 1));
        }
    }

    private String string() {
        int start = ++pos; // after the opening quote
        StringBuilder sb = null;
        while (true) {
            if (pos >= s.length()) throw errorAt(start - 1, "unterminated string");
            char c = s.charAt(pos);
            if (c == '"') {
                String out = sb == null ? s.substring(start, pos) : sb.toString();
                pos++;
                return out;
            }
            if (c < 0x20) throw error("raw control character U+" + hex4(c) + " in string (escape it)");
            if (c != '\\') {
                if (sb != null) sb.append(c);
                pos++;
                continue;
            }
            if (sb == null) sb = new StringBuilder(s.substring(start, pos));
            if (pos + 1 >= s.length()) throw errorAt(start - 1, "unterminated string");
            char e = s.charAt(pos + 1);
            pos += 2;
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                // A surrogate pair arrives as two escapes; appending both UTF-16 units rebuilds it.
                case 'u' -> sb.append(hexEscape());
                default -> throw errorAt(pos - 2, "invalid escape '\\" + printable(e) + "'");
            }
        }
    }

    private char hexEscape() {
        if (pos + 4 > s.length()) throw errorAt(pos - 2, "truncated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos + i), 16);
            if (d < 0) throw errorAt(pos + i, "invalid hex digit " + describe(pos + i) + " in \\u escape");
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') pos++;
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) throw error("leading zero in number");
        } else if (isDigit(peek())) {
            while (isDigit(peek())) pos++;
        } else {
            throw error("expected a digit, found " + describe(pos));
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) throw error("expected a digit after '.', found " + describe(pos));
            while (isDigit(peek())) pos++;
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error("expected a digit in exponent, found " + describe(pos));
            while (isDigit(peek())) pos++;
        }
        String text = s.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooBig) {
                // Beyond the range of long: fall through to the nearest double.
            }
        }
        return Double.parseDouble(text);
    }

    private Object literal(String word, Object value) {
        if (!s.startsWith(word, pos)) throw error("unexpected " + describe(pos) + ", expected a value");
        pos += word.length();
        return value;
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "', found " + describe(pos));
        pos++;
    }

    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private String describe(int at) {
        if (at >= s.length()) return "end of input";
        return "'" + printable(s.charAt(at)) + "'";
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f || Character.isSurrogate(c) || c == '\uFEFF' ? "U+" + hex4(c) : String.valueOf(c);
    }

    private static String hex4(char c) {
        return String.format("%04X", (int) c);
    }

    private JsonException error(String message) {
        return errorAt(pos, message);
    }

    private JsonException errorAt(int at, String message) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < Math.min(at, s.length()); i++) {
            if (s.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new JsonException(message, line, at - lineStart + 1);
    }
}
