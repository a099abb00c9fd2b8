package dev.smezo.chat;

import dev.smezo.model.Synth;
import dev.smezo.testing.Fuzzing;
import dev.smezo.testing.TestModels;
import dev.smezo.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Fuzz target: any bytes as a `--chat-template FILE` (the Jinja text up to the first NUL; what follows
 * it is a user turn's content), opened and rendered by llama.cpp's engine through the shim as training
 * renders every conversation. A template may be refused (ChatTemplateException, the engine's message);
 * a crash or hang in native code ends the JVM, which Jazzer reports as a finding.
 */
public final class ChatTemplateFuzzer {
    private static Tokenizer tokenizer;

    private ChatTemplateFuzzer() {}

    public static void fuzzerInitialize() {
        Path vocab = TestModels.withChatTemplate(Fuzzing.scratch(), Synth.Flavor.QWEN2, null);
        tokenizer = Tokenizer.load(vocab);
    }

    public static void fuzzerTestOneInput(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        int nul = text.indexOf('\0');
        String jinja = nul < 0 ? text : text.substring(0, nul);
        String content = nul < 0 ? "Hello <b>there</b> {{ x }}" : text.substring(nul + 1);
        if (jinja.isEmpty()) return;   // an empty file is refused in Java before the engine (a test covers it)
        Path file = Fuzzing.file("fuzz.jinja", jinja.getBytes(StandardCharsets.UTF_8));
        ChatTemplate t;
        try {
            t = ChatTemplate.open(tokenizer, file.toString(), Map.of());
        } catch (ChatTemplateException e) {
            return;
        }
        try (t) {
            t.source();
            t.serverParserError();
            for (List<Message> conversation : List.of(
                    List.of(Message.user(content)),
                    List.of(Message.system("Be brief."), Message.user(content), Message.assistant("Sure."), Message.user("Again?")))) {
                for (boolean addGenerationPrompt : new boolean[] {false, true}) {
                    try {
                        t.tokens(conversation, addGenerationPrompt);
                    } catch (ChatTemplateException e) {
                        if (e.getMessage() == null) throw new AssertionError("a refusal without a message", e);
                    }
                }
            }
        }
    }
}
