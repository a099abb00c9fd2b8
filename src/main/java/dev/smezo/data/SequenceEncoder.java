package dev.smezo.data;

import dev.smezo.chat.Message;
import dev.smezo.task.TaskDataException;
import dev.smezo.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Records to token sequences with their loss mask (FAMILIES.md section 4.2).
 *
 * <p>A conversation is rendered with the chat template and tokenized as one text, the way
 * llama-server does at inference (BOS as the vocabulary asks, special-token text parsed as special
 * tokens), so training sees the very tokens inference produces. The trained tokens are found by
 * rendering message prefixes, never by searching the text: assistant turn i spans from the end of
 * {@code render(messages[:i], add_generation_prompt)} to the end of {@code render(messages[:i+1])},
 * both of which must be prefixes of the whole rendering (a prefix-preserving template, as TRL
 * requires), and it is trimmed after its last end-of-generation token, so it covers the answer and
 * its end-of-turn token (TRL's and axolotl's convention) but not the newline a template writes after
 * it. A text boundary maps to the token count of its prefix's own tokenization; where a token
 * straddles the boundary (a BPE merge across it) that token goes to the later side.
 *
 * <p>Plain text: the completion's tokens are what follows the longest common prefix with the
 * prompt's own tokens (as for tasks), and EOS is appended, as TRL does, so the model learns to stop.
 *
 * <p>A sequence longer than {@code maxLength} loses tokens from the left, after BOS; an answer is
 * never cut: one that the cut would reach is dropped whole. A sequence with no target left is
 * reported as dropped. A {@code text} record (all of it trained) keeps its first {@code maxLength}
 * tokens instead.
 */
public final class SequenceEncoder {
    /** The chat template: the text of a conversation, with or without the assistant's generation prompt. */
    @FunctionalInterface
    public interface Renderer {
        String render(List<Message> messages, boolean addGenerationPrompt);
    }

    /** Sequences with at least one target, and how many records were cut or dropped. */
    public record Encoded(List<TokenSequence> sequences, int cut, int dropped, String firstDropped) {
        public String note(int maxLength) {
            if (cut == 0 && dropped == 0) return "";
            return String.format("%d record(s) cut to --max-length %d (prompt tokens dropped from the left; text records' ends)%s",
                    cut, maxLength, dropped == 0 ? "" : ", " + dropped + " dropped with no answer token left (first: " + firstDropped + ")");
        }
    }

    private final Tokenizer tok;
    private final Renderer renderer;
    private final boolean trainOnPrompt;
    private final int maxLength;

    /** @param renderer null when the data has no conversations */
    public SequenceEncoder(Tokenizer tok, Renderer renderer, boolean trainOnPrompt, int maxLength) {
        if (maxLength < 2) throw new IllegalArgumentException("--max-length must be >= 2: " + maxLength);
        this.tok = tok;
        this.renderer = renderer;
        this.trainOnPrompt = trainOnPrompt;
        this.maxLength = maxLength;
    }

    public Encoded encodeAll(List<DataRecord> records) {
        List<TokenSequence> out = new ArrayList<>(records.size());
        int cut = 0, dropped = 0;
        String firstDropped = null;
        for (DataRecord r : records) {
            TokenSequence s = encode(r);
            if (s.cut() > 0) cut++;
            if (s.targets() == 0) {
                if (dropped++ == 0) firstDropped = s.where();
            } else {
                out.add(s);
            }
        }
        return new Encoded(out, cut, dropped, firstDropped);
    }

    /** What a model is asked to continue, for generation: the record up to its last answer, and that answer. */
    public record Prompt(String where, String text, int[] tokens, String expected) {}

    /**
     * A conversation up to its last assistant turn, rendered with the generation prompt and
     * tokenized as for training (null expected when it ends with another turn); a completion
     * record's prompt. Plain text has no prompt: null.
     */
    public Prompt prompt(DataRecord r) {
        return switch (r) {
            case DataRecord.Chat c -> {
                List<Message> m = c.messages();
                int last = m.size() - 1;
                String expected = m.get(last).role().equals("assistant") ? m.get(last).content() : null;
                String text = render(c, expected != null ? m.subList(0, last) : m, true);
                yield new Prompt(r.where(), text, tok.encode(text, true, true), expected);
            }
            case DataRecord.Text t when t.prompt().isEmpty() -> null;
            case DataRecord.Text t -> new Prompt(r.where(), t.prompt(), tok.encode(t.prompt(), true, false), t.completion());
        };
    }

    /** The record's tokens and mask (possibly with no target left after the cut). */
    public TokenSequence encode(DataRecord r) {
        return switch (r) {
            case DataRecord.Chat c -> fit(r.where(), chat(c));
            case DataRecord.Text t when t.prompt().isEmpty() -> head(r.where(), text(t));
            case DataRecord.Text t -> fit(r.where(), text(t));
        };
    }

    private record Masked(int[] tokens, boolean[] target) {}

    private Masked chat(DataRecord.Chat c) {
        if (renderer == null) throw new IllegalStateException("no chat template for " + c.where());
        List<Message> m = c.messages();
        String full = render(c, m, false);
        int[] tokens = tok.encode(full, true, true);
        boolean[] target = new boolean[tokens.length];
        if (trainOnPrompt) {
            Arrays.fill(target, 1, tokens.length, true);
            return new Masked(tokens, target);
        }
        for (int i = 0; i < m.size(); i++) {
            if (!m.get(i).role().equals("assistant")) continue;
            String before = render(c, m.subList(0, i), true);
            String through = render(c, m.subList(0, i + 1), false);
            if (!through.startsWith(before) || !full.startsWith(through)) {
                throw new TaskDataException(c.source(), c.line(), null, "the chat template is not prefix-preserving at message "
                        + (i + 1) + ": rendering the messages up to it (with"
                        + (through.startsWith(before) ? "out the generation prompt) is not the start of rendering them all"
                        : " the generation prompt) is not the start of rendering it too")
                        + "; the assistant's tokens cannot be located (split the conversation, or give another --chat-template)");
            }
            int from = Math.max(1, boundary(full, tokens, before.length()));
            int to = boundary(full, tokens, through.length());
            for (int j = to - 1; j >= from; j--) {
                if (tok.isEog(tokens[j])) {
                    to = j + 1;
                    break;
                }
            }
            Arrays.fill(target, from, Math.max(from, to), true);
        }
        return new Masked(tokens, target);
    }

    private String render(DataRecord.Chat c, List<Message> messages, boolean addGenerationPrompt) {
        try {
            return renderer.render(messages, addGenerationPrompt);
        } catch (RuntimeException e) {
            throw new TaskDataException(c.source(), c.line(), null, "the chat template failed to render "
                    + (messages.size() == c.messages().size() ? "the conversation" : "its first " + messages.size() + " message(s)")
                    + ": " + e.getMessage(), e);
        }
    }

    /** The number of {@code tokens} (the whole text's) that lie before char {@code at} of {@code text}. */
    private int boundary(String text, int[] tokens, int at) {
        if (at >= text.length()) return tokens.length;
        return commonPrefix(tok.encode(text.substring(0, at), true, true), tokens);
    }

    /** How many leading tokens {@code a} and {@code b} share. */
    static int commonPrefix(int[] a, int[] b) {
        int k = 0;
        while (k < a.length && k < b.length && a[k] == b[k]) k++;
        return k;
    }

    private Masked text(DataRecord.Text t) {
        int[] body = tok.encode(t.prompt() + t.completion(), true, false);
        int eos = tok.eos();
        int[] tokens = eos >= 0 ? Arrays.copyOf(body, body.length + 1) : body;
        if (eos >= 0) tokens[body.length] = eos;
        int from = 1;
        if (!trainOnPrompt && !t.prompt().isEmpty()) {
            from = Math.max(1, commonPrefix(tok.encode(t.prompt(), true, false), body));
        }
        boolean[] target = new boolean[tokens.length];
        Arrays.fill(target, Math.min(from, tokens.length), tokens.length, true);
        return new Masked(tokens, target);
    }

    /**
     * Plain text (no prompt: every token is trained) keeps its first {@code maxLength} tokens, as a
     * language-model window; the cut is counted, and nothing is dropped.
     */
    private TokenSequence head(String where, Masked m) {
        int n = m.tokens.length;
        if (n <= maxLength) return new TokenSequence(where, m.tokens, m.target, 0);
        return new TokenSequence(where, Arrays.copyOf(m.tokens, maxLength), Arrays.copyOf(m.target, maxLength), n - maxLength);
    }

    /** Cuts from the left, after BOS, to {@code maxLength}, moving the cut past any answer it would split. */
    private TokenSequence fit(String where, Masked m) {
        int n = m.tokens.length;
        if (n <= maxLength) return new TokenSequence(where, m.tokens, m.target, 0);
        int head = tok.addsBos() && n > 0 && m.tokens[0] == tok.bos() ? 1 : 0;
        int end = head + (n - maxLength);   // tokens [head, end) go
        while (end < n && m.target[end] && m.target[end - 1]) end++;   // never inside an answer
        int kept = n - end;
        int[] tokens = new int[head + kept];
        boolean[] target = new boolean[head + kept];
        System.arraycopy(m.tokens, 0, tokens, 0, head);
        System.arraycopy(m.tokens, end, tokens, head, kept);
        System.arraycopy(m.target, end, target, head, kept);
        if (target.length > 0) target[0] = false;
        return new TokenSequence(where, tokens, target, end - head);
    }
}
