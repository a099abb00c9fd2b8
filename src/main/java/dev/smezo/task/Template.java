package dev.smezo.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A prompt template: literal text with {@code {field}} slots. {@code {{} and {@code }}} stand for
 * literal braces. Field names are letters, digits, '_', '-' and '.'. The template is taken
 * verbatim: a newline in the prompt is a newline character in the template (JSON {@code "\n"}).
 */
public final class Template {
    private final String text;
    /** Alternating parts: a String literal, or a Slot. */
    private final List<Object> parts;
    private final Set<String> slots;

    private record Slot(String field) {}

    private Template(String text, List<Object> parts, Set<String> slots) {
        this.text = text;
        this.parts = parts;
        this.slots = slots;
    }

    /** Parses a template; a stray or unclosed brace or an empty field name is an error. */
    public static Template parse(String text) {
        List<Object> parts = new ArrayList<>();
        Set<String> slots = new LinkedHashSet<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '{' && text.startsWith("{{", i)) {
                lit.append('{');
                i += 2;
            } else if (c == '}' && text.startsWith("}}", i)) {
                lit.append('}');
                i += 2;
            } else if (c == '{') {
                int end = text.indexOf('}', i);
                if (end < 0) throw new IllegalArgumentException("unclosed '{' at offset " + i + " in template");
                String field = text.substring(i + 1, end);
                if (!field.matches("[A-Za-z0-9_.-]+")) {
                    throw new IllegalArgumentException("bad field name \"" + field + "\" at offset " + i + " in template");
                }
                if (!lit.isEmpty()) parts.add(lit.toString());
                lit.setLength(0);
                parts.add(new Slot(field));
                slots.add(field);
                i = end + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException("stray '}' at offset " + i + " in template (write '}}')");
            } else {
                lit.append(c);
                i++;
            }
        }
        if (!lit.isEmpty()) parts.add(lit.toString());
        return new Template(text, List.copyOf(parts), Collections.unmodifiableSet(slots));
    }

    /** The template as written. */
    public String text() {
        return text;
    }

    /** The field names used, in order of first use. */
    public Set<String> slots() {
        return slots;
    }

    /** Fills every slot with {@code values.apply(field)}. */
    public String render(Function<String, String> values) {
        StringBuilder sb = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof Slot s) sb.append(values.apply(s.field()));
            else sb.append((String) p);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Template t && t.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
