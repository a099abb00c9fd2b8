package dev.smezo.chat;

import java.util.Objects;
import java.util.Set;

/** One turn of a conversation, as chat templates see it (Hugging Face's {@code {"role", "content"}}). */
public record Message(String role, String content) {
    public static final Set<String> ROLES = Set.of("system", "user", "assistant");

    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("unknown role \"" + role + "\" (known: system, user, assistant)");
        }
    }
}
