package dev.smezo.data;

import dev.smezo.chat.Message;
import dev.smezo.task.TaskDataException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSONL formats a training file may use (FAMILIES.md section 4.1), detected from a file's first
 * record; every record of the file must then have that format.
 */
public enum DataFormat {
    /** OpenAI's {@code {"messages": [{"role", "content"}, ...]}} (TRL's conversational, axolotl's default). */
    MESSAGES("messages", "{\"messages\": [{\"role\": ..., \"content\": ...}]}"),
    /** ShareGPT's {@code {"conversations": [{"from", "value"}, ...]}}, mapped onto messages as axolotl does. */
    SHAREGPT("conversations", "{\"conversations\": [{\"from\": ..., \"value\": ...}]}"),
    /** TRL's prompt-completion: strings (plain text) or message lists (rendered with the template). */
    PROMPT_COMPLETION("completion", "{\"prompt\": ..., \"completion\": ...}"),
    /** Alpaca's {@code {"instruction", "input", "output"}}: one user turn (instruction, then input) and the answer. */
    ALPACA("output", "{\"instruction\": ..., \"input\": ..., \"output\": ...}"),
    /** Plain {@code {"text": ...}}: the language-model loss on every token. */
    TEXT("text", "{\"text\": ...}");

    private final String key;
    private final String shape;

    DataFormat(String key, String shape) {
        this.key = key;
        this.shape = shape;
    }

    public String key() {
        return key;
    }

    /** The format of a record, by the key that marks it; null when none matches. */
    static DataFormat detect(Map<?, ?> record) {
        for (DataFormat f : values()) if (record.containsKey(f.key)) return f;
        return null;
    }

    static String known() {
        StringBuilder sb = new StringBuilder();
        for (DataFormat f : values()) sb.append(sb.isEmpty() ? "" : ", ").append(f.shape);
        return sb.toString();
    }

    /** The record of this format at {@code source:line}. */
    DataRecord read(Map<?, ?> r, String source, int line) {
        Fields f = new Fields(r, source, line);
        return switch (this) {
            case MESSAGES -> chat(f, f.messages("messages", "role", "content", false));
            case SHAREGPT -> chat(f, f.messages("conversations", "from", "value", true));
            case PROMPT_COMPLETION -> {
                if (r.get("prompt") instanceof String || r.get("completion") instanceof String) {   // plain text
                    yield new DataRecord.Text(source, line, f.string("prompt"), f.string("completion"));
                }
                List<Message> m = new ArrayList<>(f.messages("prompt", "role", "content", false));
                m.addAll(f.messages("completion", "role", "content", false));
                yield chat(f, m);
            }
            case ALPACA -> {
                String input = r.containsKey("input") ? f.string("input") : "";
                String user = input.isEmpty() ? f.string("instruction") : f.string("instruction") + "\n" + input;
                yield chat(f, List.of(new Message("user", user), new Message("assistant", f.string("output"))));
            }
            case TEXT -> new DataRecord.Text(source, line, "", f.string("text"));
        };
    }

    private static DataRecord chat(Fields f, List<Message> messages) {
        if (messages.stream().noneMatch(m -> m.role().equals("assistant"))) {
            throw f.error(null, "no assistant turn: nothing to train on");
        }
        return new DataRecord.Chat(f.source, f.line, messages);
    }

    /** A record's fields, read with errors that name the file, line and field. */
    private record Fields(Map<?, ?> r, String source, int line) {
        TaskDataException error(String field, String message) {
            return new TaskDataException(source, line, field, message);
        }

        String string(String k) {
            Object v = r.get(k);
            if (v == null) throw error(k, "missing");
            if (!(v instanceof String s)) throw error(k, "must be a string");
            return s;
        }

        /** A list of turns; ShareGPT's speakers (human, gpt) become user and assistant. */
        List<Message> messages(String k, String roleKey, String contentKey, boolean shareGpt) {
            if (!(r.get(k) instanceof List<?> list)) throw error(k, r.containsKey(k) ? "must be a list of messages" : "missing");
            if (list.isEmpty()) throw error(k, "no messages");
            List<Message> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                String at = k + "[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> m)) throw error(at, "must be an object with \"" + roleKey + "\" and \"" + contentKey + "\"");
                if (!(m.get(roleKey) instanceof String role)) throw error(at + "." + roleKey, "missing or not a string");
                if (!(m.get(contentKey) instanceof String content)) throw error(at + "." + contentKey, "missing or not a string");
                if (shareGpt) role = switch (role) {
                    case "human" -> "user";
                    case "gpt" -> "assistant";
                    default -> role;
                };
                try {
                    out.add(new Message(role, content));
                } catch (IllegalArgumentException e) {
                    throw error(at + "." + roleKey, e.getMessage());
                }
            }
            return out;
        }
    }
}
