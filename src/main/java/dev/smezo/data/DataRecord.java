package dev.smezo.data;

import dev.smezo.chat.Message;
import java.util.List;

/**
 * One record of a training file, where it came from ({@code source}, 1-based {@code line}) and what
 * the loss covers: a conversation rendered with the model's chat template (loss on the assistant
 * turns), or plain text (loss on {@code completion}; a {@code text} record is all completion).
 */
public sealed interface DataRecord {
    String source();

    int line();

    /** {@code FILE:LINE}, as errors and logs name a record. */
    default String where() {
        return source() + ":" + line();
    }

    /** Messages for the chat template; at least one assistant turn (what is trained). */
    record Chat(String source, int line, List<Message> messages) implements DataRecord {
        public Chat {
            messages = List.copyOf(messages);
        }
    }

    /** Text with no template: prompt (context, not trained unless asked) then completion (trained). */
    record Text(String source, int line, String prompt, String completion) implements DataRecord {}
}
