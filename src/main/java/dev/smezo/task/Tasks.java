package dev.smezo.task;

import dev.smezo.io.TextFile;
import dev.smezo.json.Json;
import dev.smezo.json.JsonException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The task catalogue: built-in tasks (JSON resources {@code /dev/smezo/task/NAME.json}, listed in
 * {@code builtin.txt} beside them) and user task files (same JSON shape, see {@link TaskSpecs}).
 */
public final class Tasks {
    private static final String RESOURCES = "/dev/smezo/task/";
    private static volatile List<Task> builtIn;

    private Tasks() {}

    /** The built-in tasks, in listing order: the six SuperGLUE-style tasks, then the generated ones. */
    public static List<Task> builtIn() {
        List<Task> b = builtIn;
        if (b == null) {
            List<Task> out = new ArrayList<>();
            for (String line : resource("builtin.txt").split("\n")) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) continue;
                out.add(parse(resource(name + ".json"), null, "builtin:" + name + ".json"));
            }
            builtIn = b = List.copyOf(out);
        }
        return b;
    }

    /** The built-in names, in listing order. */
    public static List<String> names() {
        return builtIn().stream().map(Task::name).toList();
    }

    /**
     * A built-in task by name, or a user task file by path. A name that is neither a built-in nor an
     * existing file is an {@link IllegalArgumentException} listing the built-ins.
     *
     * @throws TaskDataException when the user task file is malformed
     */
    public static Task byName(String nameOrPath) {
        for (Task t : builtIn()) {
            if (t.name().equals(nameOrPath)) return t;
        }
        Path p = Path.of(nameOrPath);
        if (Files.isRegularFile(p)) return fromFile(p);
        String file = nameOrPath.endsWith(".json") || nameOrPath.contains("/") ? "no such file " + p.toAbsolutePath() : "not a task file";
        throw new IllegalArgumentException("unknown task \"" + nameOrPath + "\": not a built-in ("
                + String.join(", ", names()) + ") and " + file);
    }

    /** A user task file; its relative data paths resolve against the file's directory. */
    public static Task fromFile(Path file) {
        String text;
        try {
            text = TextFile.read(file);
        } catch (IOException e) {
            throw new TaskDataException(file.toString(), 0, null, "cannot read the task file: " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, dir, file.toString());
    }

    /**
     * A task from JSON text.
     *
     * @param baseDir where data paths resolve (null: against the data directory given at load time)
     * @param origin  names the text in errors
     */
    public static Task parse(String json, Path baseDir, String origin) {
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (JsonException e) {
            throw new TaskDataException(origin, e.line(), null, "invalid JSON at column " + e.column() + ": " + e.reason(), e);
        }
        return TaskSpecs.parse(parsed, baseDir, origin);
    }

    private static String resource(String name) {
        try (InputStream in = Tasks.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) throw new IllegalStateException("missing resource " + RESOURCES + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
