package dev.smezo.chat;

import java.nio.file.Path;
import java.util.List;

/** TEMPORARY stand-in until the chat branch (llama.cpp's renderer) merges. */
public final class ChatTemplate implements AutoCloseable {
    public static ChatTemplate open(Path gguf, String override) {
        throw new UnsupportedOperationException("chat templates: not merged yet");
    }

    public String render(List<Message> messages, boolean addGenerationPrompt) {
        throw new UnsupportedOperationException();
    }

    public String description() {
        return "";
    }

    @Override
    public void close() {}
}
