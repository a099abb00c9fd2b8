package dev.smezo.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON value parsed from a stretch of chars by Jackson's streaming parser, mapped to the plain
 * values {@link Json#parse} documents; errors become {@link JsonException}s at the line and column
 * of the offending character (lines end at LF, as {@code wc -l} and JSON Lines count them).
 */
final class JsonReader {
    private static final JsonFactory FACTORY = factory();

    private final char[] text;
    private final int start;
    private final int length;
    private final String source;
    private final int firstLine;
    private final JsonParser p;

    private JsonReader(char[] text, int start, int length, String source, int firstLine) throws IOException {
        this.text = text;
        this.start = start;
        this.length = length;
        this.source = source;
        this.firstLine = firstLine;
        // A char[] is parsed in place: no copy, and Jackson's positions are char offsets into it.
        this.p = FACTORY.createParser(text, start, length);
    }

    /**
     * Every {@link JsonReadFeature} is a leniency (comments, NaN, single quotes, trailing commas...),
     * so all stay off. Duplicate names are caught while filling the map ({@link #object}) rather than
     * by STRICT_DUPLICATE_DETECTION, which would hash every name into a second set and report the
     * position after the name instead of its start. Strings get no length limit (the text is in memory
     * already); numbers keep Jackson's 1000-character one, as longer ones only make BigInteger slow.
     */
    private static JsonFactory factory() {
        JsonFactoryBuilder b = new JsonFactoryBuilder()
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)   // correctly rounded, like Double.parseDouble
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(Json.MAX_DEPTH).maxStringLength(Integer.MAX_VALUE).build());
        for (JsonReadFeature f : JsonReadFeature.values()) b.disable(f);
        return b.build();
    }

    /**
     * The one value in {@code text[start, start + length)}, with only whitespace around it.
     *
     * @param source    names the text in errors (a file), or null
     * @param firstLine the line number of the text's first line
     */
    static Object parse(char[] text, int start, int length, String source, int firstLine) {
        JsonReader r;
        try {
            r = new JsonReader(text, start, length, source, firstLine);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // not for in-memory chars
        }
        return r.parse();
    }

    private Object parse() {
        boolean afterValue = false;
        try (p) {
            JsonToken t = p.nextToken();
            if (t == null) throw error(offset(p.currentLocation()), "unexpected end of input (expected a value)", null);
            Object value = value(t);
            afterValue = true;
            if (p.nextToken() != null) {
                int at = offset(p.currentTokenLocation());
                throw error(at, "unexpected " + ParseErrors.describe(text[start + at]) + " after the JSON value", null);
            }
            return value;
        } catch (JsonProcessingException e) {
            ParseErrors.Problem problem = ParseErrors.of(e, p, CharBuffer.wrap(text, start, length), afterValue, firstLine - 1);
            throw error(problem.offset(), problem.reason(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object value(JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> object();
            case START_ARRAY -> array();
            case VALUE_STRING -> p.getText();
            // Integers past long's range become the nearest double, as Double.parseDouble would give.
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getDoubleValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalStateException("Jackson gave " + t + " where a value starts");
        };
    }

    private Map<String, Object> object() throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (map.containsKey(name)) {
                throw error(offset(p.currentTokenLocation()), "duplicate member name \"" + name + "\"", null);
            }
            map.put(name, value(p.nextToken()));
        }
        return map;   // at END_OBJECT: Jackson checks that the brackets match
    }

    private List<Object> array() throws IOException {
        List<Object> list = new ArrayList<>();
        for (JsonToken t; (t = p.nextToken()) != JsonToken.END_ARRAY; ) list.add(value(t));
        return list;
    }

    private static int offset(JsonLocation at) {
        return (int) Math.max(0, at.getCharOffset());
    }

    /** The error at char {@code offset} (from {@code start}), its line counted by LFs. */
    private JsonException error(int offset, String reason, Throwable cause) {
        int end = start + offset;
        int line = firstLine, lineStart = start;
        for (int i = start; i < end; i++) {
            if (text[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new JsonException(source, reason, line, end - lineStart + 1, cause);
    }
}
