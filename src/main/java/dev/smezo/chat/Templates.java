package dev.smezo.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Jinja chat templates shipped as resources ({@code templates/NAME.jinja}), for synthesized models:
 * {@code chatml} (plain ChatML, what libllama's chatml built-in writes), {@code qwen2.5} (Qwen2.5-Instruct's
 * template without its tool branches: ChatML with a default system prompt), {@code llama3}
 * (Llama-3-8B-Instruct's, verbatim: headers, {@code <|eot_id|>}, bos_token in front, contents trimmed).
 */
public final class Templates {
    public static final List<String> NAMES = List.of("chatml", "qwen2.5", "llama3");

    private Templates() {}

    /** The Jinja text of a shipped template (without the file's final newline, as GGUFs hold them). */
    public static String embedded(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no shipped chat template '" + name + "' (" + String.join(", ", NAMES) + ")");
        }
        try (InputStream in = Templates.class.getResourceAsStream("templates/" + name + ".jinja")) {
            if (in == null) throw new IllegalStateException("resource templates/" + name + ".jinja missing from the jar");
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A shipped template by NAME, else the Jinja text of FILE. */
    public static String resolve(String nameOrFile) {
        if (NAMES.contains(nameOrFile)) return embedded(nameOrFile);
        Path p = Path.of(nameOrFile);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("--chat-template " + nameOrFile + ": neither a shipped template ("
                    + String.join(", ", NAMES) + ") nor a file");
        }
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + p, e);
        }
    }
}
