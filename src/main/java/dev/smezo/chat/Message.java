package dev.smezo.chat;

import java.util.Objects;
import java.util.Set;

/** One turn of a conversation, as OpenAI-style {@code messages} hold it. */
public record Message(String role, String content) {
    /** The roles chat data uses; templates are free to reject some (e.g. Gemma's has no system role). */
    public static final Set<String> ROLES = Set.of("system", "user", "assistant");

    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("unknown role \"" + role + "\" (system, user or assistant)");
        }
    }

    public static Message system(String content) {
        return new Message("system", content);
    }

    public static Message user(String content) {
        return new Message("user", content);
    }

    public static Message assistant(String content) {
        return new Message("assistant", content);
    }
}
