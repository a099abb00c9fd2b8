package dev.smezo.json;

/**
 * Malformed JSON (or, in a JSON Lines file, bytes that are not UTF-8), at a 1-based line and column
 * (columns count UTF-16 units). The message reads {@code line 3, column 17: REASON} for text parsed
 * by {@link Json#parse}, and {@code FILE:3:17: REASON} for a file read by {@link JsonLines}.
 */
public final class JsonException extends RuntimeException {
    private final String source;
    private final String reason;
    private final int line;
    private final int column;

    public JsonException(String reason, int line, int column) {
        this(null, reason, line, column, null);
    }

    /** @param source names the input (a file), or null for a string */
    public JsonException(String source, String reason, int line, int column, Throwable cause) {
        super((source == null ? "line " + line + ", column " + column : source + ":" + line + ":" + column) + ": " + reason, cause);
        this.source = source;
        this.reason = reason;
        this.line = line;
        this.column = column;
    }

    /** The file (or other input) named in the message, or null for a string. */
    public String source() {
        return source;
    }

    /** What is wrong, in plain words, without the position. */
    public String reason() {
        return reason;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
