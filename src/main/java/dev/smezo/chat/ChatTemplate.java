package dev.smezo.chat;

import static dev.smezo.bindings.llama_h.llama_model_chat_template;
import static dev.smezo.bindings.smezo_chat_h.*;

import dev.smezo.json.Json;
import dev.smezo.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's chat template, rendered by llama.cpp's own code (common/chat.cpp and its Jinja engine,
 * through native/src/smezo_chat.cpp) exactly as llama-server renders it for inference; that file's
 * header says which path of common is taken and why.
 *
 * <p>The contract training relies on: the server's token ids for a conversation are
 * {@code tokenizer.encode(render(messages, g), true, true)}, that is the rendered text tokenized with
 * add_special (the vocabulary's BOS when it adds one; common drops the template's own leading BOS text
 * then) and parse_special (control-token text such as {@code <|im_start|>} becomes its token). That is
 * {@link #tokens}.
 *
 * <p>Open once, render many times: a render is a few Jinja executions in native code, no model load.
 * Renders may run on several threads at once.
 */
public final class ChatTemplate implements AutoCloseable {
    private static final String HINT = "give one with --chat-template NAME|FILE (a llama.cpp built-in name such as "
            + "chatml, llama3, gemma, phi3, or a Jinja file)";

    private final Tokenizer tokenizer;
    private final boolean ownsTokenizer;
    private final MemorySegment handle;
    private final String description;

    private ChatTemplate(Tokenizer tokenizer, boolean ownsTokenizer, MemorySegment handle, String description) {
        this.tokenizer = tokenizer;
        this.ownsTokenizer = ownsTokenizer;
        this.handle = handle;
        this.description = description;
    }

    /** {@link #open(Path, String, Map)} without extra template variables. */
    public static ChatTemplate open(Path gguf, String override) {
        return open(gguf, override, Map.of());
    }

    /**
     * The chat template of {@code gguf} (its vocabulary is loaded, vocab-only, and owned).
     *
     * @param override null for the GGUF's {@code tokenizer.chat_template}; else a FILE of Jinja text
     *     (UTF-8) when such a file exists, or the NAME of a libllama built-in, rendered by libllama's
     *     hand-written formatter as llama-server does with {@code --no-jinja --chat-template NAME}
     * @param kwargs extra Jinja variables, as llama-server's {@code --chat-template-kwargs} (e.g.
     *     {@code enable_thinking: false}, or {@code date_string} to pin the date a template prints)
     * @throws IllegalArgumentException no template in the file and none given, an unknown NAME
     * @throws ChatTemplateException a template llama.cpp cannot parse (the engine's message)
     */
    public static ChatTemplate open(Path gguf, String override, Map<String, ?> kwargs) {
        Tokenizer tok = Tokenizer.load(gguf);
        try {
            return open(tok, true, gguf, override, kwargs);
        } catch (RuntimeException e) {
            tok.close();
            throw e;
        }
    }

    /** The same over a tokenizer the caller already holds (and closes, after this template). */
    public static ChatTemplate open(Tokenizer tokenizer, String override, Map<String, ?> kwargs) {
        return open(tokenizer, false, tokenizer.source(), override, kwargs);
    }

    private static ChatTemplate open(Tokenizer tok, boolean owns, Path gguf, String override, Map<String, ?> kwargs) {
        String jinjaText = null, description;
        boolean jinja = true;
        if (override == null) {
            if (llama_model_chat_template(tok.model(), MemorySegment.NULL).equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException(gguf + " has no tokenizer.chat_template; " + HINT);
            }
            description = "jinja from the GGUF's tokenizer.chat_template";
        } else if (Files.isRegularFile(Path.of(override))) {
            try {
                jinjaText = Files.readString(Path.of(override), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("reading chat template " + override, e);
            }
            // common treats an empty override as "none" and the text "chatml" as its built-in ChatML
            if (jinjaText.isEmpty()) throw new IllegalArgumentException("chat template file " + override + " is empty");
            description = "jinja from " + override;
        } else {
            List<String> names = builtins();
            if (!names.contains(override)) {
                throw new IllegalArgumentException("--chat-template " + override + ": no such file, and not a llama.cpp "
                        + "built-in (" + String.join(", ", names) + ")");
            }
            jinjaText = override;
            jinja = false;
            description = "libllama built-in " + override;
        }
        try (Arena a = Arena.ofConfined()) {
            Map<String, Object> kw = new LinkedHashMap<>(kwargs);
            MemorySegment h = smezo_chat_open(tok.model(), jinjaText == null ? MemorySegment.NULL : a.allocateFrom(jinjaText),
                    jinja ? 1 : 0, kw.isEmpty() ? MemorySegment.NULL : a.allocateFrom(Json.write(kw)));
            if (h.equals(MemorySegment.NULL)) {
                throw new ChatTemplateException("chat template (" + description + "): " + lastError());
            }
            return new ChatTemplate(tok, owns, h, description);
        }
    }

    /**
     * The conversation as the model sees it; with {@code addGenerationPrompt} followed by the opening
     * of an assistant turn (what llama-server sends for a reply).
     *
     * @throws ChatTemplateException with the engine's message (e.g. a template's raise_exception)
     */
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> json = new ArrayList<>(messages.size());
        for (Message m : messages) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("role", m.role());
            o.put("content", m.content());
            json.add(o);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            int n = smezo_chat_render(handle, a.allocateFrom(Json.write(json)), addGenerationPrompt ? 1 : 0, out);
            if (n < 0) throw new ChatTemplateException(lastError());
            return take(out.get(ValueLayout.ADDRESS, 0), n);
        }
    }

    /** The server's token ids for the conversation: {@link #render} tokenized as the class comment says. */
    public int[] tokens(List<Message> messages, boolean addGenerationPrompt) {
        return tokenizer.encode(render(messages, addGenerationPrompt), true, true);
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Where the template came from, e.g. "jinja from the GGUF's tokenizer.chat_template", "libllama built-in chatml". */
    public String description() {
        return description;
    }

    /** The template text common renders (a built-in's name for a libllama built-in). */
    public String source() {
        MemorySegment s = smezo_chat_source(handle);
        if (s.equals(MemorySegment.NULL)) throw new ChatTemplateException(lastError());
        return take(s, -1);
    }

    /** Whether the template is rendered with enable_thinking = true (llama-server's choice: when common finds it supports thinking). */
    public boolean thinking() {
        return smezo_chat_thinking(handle) != 0;
    }

    /**
     * Why llama-server would refuse this template (common cannot build its reply parser; it still renders
     * here), or null when the server accepts it.
     */
    public String serverParserError() {
        String e = smezo_chat_parser_error(handle).reinterpret(Integer.MAX_VALUE).getString(0);
        return e.isEmpty() ? null : e;
    }

    @Override
    public void close() {
        smezo_chat_close(handle);
        if (ownsTokenizer) tokenizer.close();
    }

    /** libllama's built-in template names (llama_chat_builtin_templates). */
    public static List<String> builtins() {
        try (Arena a = Arena.ofConfined()) {
            int n = llama_chat_builtin_templates(MemorySegment.NULL, 0);
            MemorySegment names = a.allocate(ValueLayout.ADDRESS, n);
            llama_chat_builtin_templates(names, n);
            List<String> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(names.getAtIndex(ValueLayout.ADDRESS, i).reinterpret(Integer.MAX_VALUE).getString(0));
            return out;
        }
    }

    /** The built-in libllama's llama_chat_apply_template picks for a template's text (or a name), or null when none. */
    public static String detectBuiltin(String template) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = smezo_chat_builtin_detect(a.allocateFrom(template));
            return s.equals(MemorySegment.NULL) ? null : s.reinterpret(Integer.MAX_VALUE).getString(0);
        }
    }

    /**
     * libllama's llama_chat_apply_template (no Jinja: its built-in for {@code template}, a name or a
     * template's text), or null when it recognizes none. Tests use it as an independent reference.
     */
    public static String applyBuiltin(String template, List<Message> messages, boolean addAssistant) {
        try (Arena a = Arena.ofConfined()) {
            int n = messages.size();
            MemorySegment roles = a.allocate(ValueLayout.ADDRESS, Math.max(n, 1));
            MemorySegment contents = a.allocate(ValueLayout.ADDRESS, Math.max(n, 1));
            for (int i = 0; i < n; i++) {
                roles.setAtIndex(ValueLayout.ADDRESS, i, a.allocateFrom(messages.get(i).role()));
                contents.setAtIndex(ValueLayout.ADDRESS, i, a.allocateFrom(messages.get(i).content()));
            }
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            int len = smezo_chat_apply_builtin(a.allocateFrom(template), roles, contents, n, addAssistant ? 1 : 0, out);
            return len < 0 ? null : take(out.get(ValueLayout.ADDRESS, 0), len);
        }
    }

    /** A string the shim malloc'd (len bytes, or NUL-terminated for -1) as UTF-8, then freed. */
    private static String take(MemorySegment s, int len) {
        try {
            MemorySegment all = s.reinterpret(len >= 0 ? len : Integer.MAX_VALUE);
            return len >= 0 ? new String(all.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8) : all.getString(0);
        } finally {
            smezo_chat_free_string(s);
        }
    }

    private static String lastError() {
        // the engine's messages start with a newline before their source excerpt
        return smezo_chat_last_error().reinterpret(Integer.MAX_VALUE).getString(0).strip();
    }
}
