package dev.smezo.cli;

import dev.smezo.chat.ChatTemplate;
import dev.smezo.data.DataRecord;
import dev.smezo.data.SequenceEncoder;
import dev.smezo.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Records of a JSONL file as generation prompts, rendered and tokenized exactly as training does. */
final class Prompts {
    private Prompts() {}

    /**
     * The prompts of {@code records} (plain-text records, which have none, are left out); the chat
     * template ({@code override}: null for the GGUF's) is opened only when a conversation needs it.
     */
    static List<SequenceEncoder.Prompt> of(Path model, String override, List<DataRecord> records) {
        boolean chat = records.stream().anyMatch(r -> r instanceof DataRecord.Chat);
        try (Tokenizer tok = Tokenizer.load(model);
             ChatTemplate template = chat ? ChatTemplate.open(tok, override, java.util.Map.of()) : null) {
            SequenceEncoder enc = new SequenceEncoder(tok, template == null ? null : template::render, false, Integer.MAX_VALUE);
            List<SequenceEncoder.Prompt> out = new ArrayList<>();
            for (DataRecord r : records) {
                SequenceEncoder.Prompt p = enc.prompt(r);
                if (p != null) out.add(p);
            }
            return out;
        }
    }
}
