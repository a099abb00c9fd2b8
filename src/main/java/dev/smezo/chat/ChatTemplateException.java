package dev.smezo.chat;

/**
 * llama.cpp's engine refused a template or a conversation: {@link #getMessage()} is its message (a Jinja
 * syntax error with its position, at open; a {@code raise_exception} text from the template or an
 * evaluation error, at render). Bad input, hence an IllegalArgumentException; callers add where the
 * template or conversation came from (file and line).
 */
public final class ChatTemplateException extends IllegalArgumentException {
    public ChatTemplateException(String message) {
        super(message);
    }
}
