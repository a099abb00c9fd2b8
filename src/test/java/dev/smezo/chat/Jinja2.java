package dev.smezo.chat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.smezo.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Python's jinja2, configured as Hugging Face transformers renders chat templates
 * (render_jinja2.py): the independent reference for templates libllama has no built-in for.
 */
final class Jinja2 {
    private static Path script;

    private Jinja2() {}

    /** Skips the calling test unless python3 can import jinja2 here. */
    static void assumeAvailable() {
        boolean ok;
        try {
            Process p = new ProcessBuilder("python3", "-c", "import jinja2").redirectErrorStream(true).start();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            ok = false;
        }
        assumeTrue(ok, "skipped: python3 with jinja2 (the reference renderer) is not available");
    }

    /** The rendering, or "ERROR: " + the template's error message. */
    static String render(String template, List<Message> messages, boolean addGenerationPrompt, Map<String, Object> variables) {
        List<Object> msgs = new ArrayList<>();
        for (Message m : messages) msgs.add(Map.of("role", m.role(), "content", m.content()));
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("template", template);
        req.put("messages", msgs);
        req.put("add_generation_prompt", addGenerationPrompt);
        req.put("variables", variables);
        try {
            Process p = new ProcessBuilder("python3", script().toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            p.getOutputStream().write(Json.write(req).getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("render_jinja2.py failed: " + out);
            @SuppressWarnings("unchecked")
            Map<String, Object> res = (Map<String, Object>) Json.parse(out);
            return res.containsKey("text") ? (String) res.get("text") : "ERROR: " + res.get("error");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static synchronized Path script() throws IOException {
        if (script == null) {
            Path p = Files.createTempFile("render_jinja2", ".py");
            p.toFile().deleteOnExit();
            try (InputStream in = Jinja2.class.getResourceAsStream("render_jinja2.py")) {
                Files.write(p, in.readAllBytes());
            }
            script = p;
        }
        return script;
    }
}
