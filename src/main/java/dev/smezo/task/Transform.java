package dev.smezo.task;

import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The small text transforms the MeZO prompts apply to fields, named in task files by {@link #key}.
 * Each is a pure function of one string.
 */
public enum Transform {
    /** Remove leading and trailing white space (SST-2's sentences end with a space; MeZO strips). */
    STRIP("strip", String::strip),
    /** Remove trailing white space (COPA premises, before the final period goes). */
    RSTRIP("rstrip", String::stripTrailing),
    /** Remove one final '.', if there is one (COPA premise). */
    STRIP_FINAL_PERIOD("strip_final_period", s -> s.endsWith(".") ? s.substring(0, s.length() - 1) : s),
    /** Upper-case the first character (BoolQ question). */
    CAPITALIZE_FIRST("capitalize_first", Transform::capitalizeFirst),
    /** Append '?' unless the text already ends with one, so it ends with exactly one (BoolQ). */
    ENSURE_QUESTION_MARK("ensure_question_mark", s -> s.endsWith("?") ? s : s + "?"),
    /**
     * Lower-case the first character unless the first word (up to the first space) is "I" (COPA
     * choices). MeZO lower-cases the whole first word; on the COPA files the two agree, since no
     * first word other than "I..." has a second capital (a test checks this).
     */
    LOWER_FIRST_UNLESS_I("lower_first_unless_i", Transform::lowerFirstUnlessI);

    private final String key;
    private final UnaryOperator<String> fn;

    Transform(String key, UnaryOperator<String> fn) {
        this.key = key;
        this.fn = fn;
    }

    /** The name used in task files. */
    public String key() {
        return key;
    }

    public String apply(String s) {
        return fn.apply(s);
    }

    /** The transform named {@code key} in a task file. */
    public static Transform byKey(String key) {
        for (Transform t : values()) {
            if (t.key.equals(key)) return t;
        }
        throw new IllegalArgumentException("unknown transform \"" + key + "\"; known: " + keys());
    }

    static String keys() {
        StringBuilder sb = new StringBuilder();
        for (Transform t : values()) sb.append(sb.isEmpty() ? "" : ", ").append(t.key);
        return sb.toString();
    }

    private static String capitalizeFirst(String s) {
        if (s.isEmpty()) return s;
        int n = Character.charCount(s.codePointAt(0));
        return s.substring(0, n).toUpperCase(Locale.ROOT) + s.substring(n);
    }

    private static String lowerFirstUnlessI(String s) {
        int space = s.indexOf(' ');
        String firstWord = space < 0 ? s : s.substring(0, space);
        if (firstWord.equals("I") || s.isEmpty()) return s;
        int n = Character.charCount(s.codePointAt(0));
        return s.substring(0, n).toLowerCase(Locale.ROOT) + s.substring(n);
    }
}
