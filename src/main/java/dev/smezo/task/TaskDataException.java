package dev.smezo.task;

/**
 * A task's data or definition is wrong: a record that does not parse, lacks a field, or has a label
 * the task does not know; an empty or missing file; a malformed task file. The message names the
 * source (a file path, or {@code generated:NAME}), the 1-based line when there is one, and the field.
 */
public final class TaskDataException extends RuntimeException {
    private final String source;
    private final int line;
    private final String field;

    /**
     * @param source file path or other origin of the data
     * @param line   1-based line in the source, or 0 when the problem is not on one line
     * @param field  the field concerned, or null
     */
    public TaskDataException(String source, int line, String field, String message, Throwable cause) {
        super(format(source, line, field, message), cause);
        this.source = source;
        this.line = line;
        this.field = field;
    }

    public TaskDataException(String source, int line, String field, String message) {
        this(source, line, field, message, null);
    }

    private static String format(String source, int line, String field, String message) {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) sb.append(": line ").append(line);
        if (field != null) sb.append(": field \"").append(field).append('"');
        return sb.append(": ").append(message).toString();
    }

    /** The file path or other origin of the data. */
    public String source() {
        return source;
    }

    /** 1-based line number, or 0 when the problem is not on one line. */
    public int line() {
        return line;
    }

    /** The field concerned, or null. */
    public String field() {
        return field;
    }
}
