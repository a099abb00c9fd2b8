package dev.smezo.task;

import java.util.List;
import java.util.Map;

/**
 * One raw record as a reader produced it, before rendering: its fields (JSON values: String, Long,
 * Double, Boolean, List, Map) and where it came from, so that every error can name the place.
 *
 * @param source file path or {@code generated:NAME}
 * @param line   1-based line of the record in the source (for generated data: the record's ordinal + 1)
 * @param id     the example id (the record's {@code idx} where it has one)
 * @param group  the group for per-group metrics (MultiRC: the question); else the id
 */
record Record(String source, int line, String id, String group, Map<String, Object> fields) {

    /** The field's value; a missing or null field is an error naming the place. */
    Object get(String field) {
        Object v = fields.get(field);
        if (v == null) {
            String why = fields.containsKey(field) ? "is null" : "is missing";
            throw error(field, "required field " + why);
        }
        return v;
    }

    /** The field as text: strings as they are, numbers and booleans in JSON spelling. */
    String text(String field) {
        Object v = get(field);
        if (v instanceof List<?> || v instanceof Map<?, ?>) {
            throw error(field, "expected text, found a JSON " + (v instanceof List<?> ? "array" : "object"));
        }
        return scalar(v);
    }

    TaskDataException error(String field, String message) {
        return new TaskDataException(source, line, field, message);
    }

    /** JSON spelling of a scalar: 1 (not 1.0) for integral numbers, true/false, strings as they are. */
    static String scalar(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite() && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(v);
    }
}
