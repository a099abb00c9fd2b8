package dev.smezo.model;

import dev.smezo.gguf.GgufValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A synthetic byte-level BPE vocabulary (GPT-2 style, as Llama 3 and Qwen2.5 ship): the
 * {@code tokenizer.ggml.*} metadata of a GGUF that libllama loads as {@code LLAMA_VOCAB_TYPE_BPE},
 * so tests exercise that tokenizer without downloaded weights. Deterministic: same arguments, same
 * vocabulary.
 *
 * <p>Layout, like the real files: the 256 byte symbols in GPT-2's {@code bytes_to_unicode} order
 * (every byte is representable, so any text encodes), then merged tokens in merge-rank order,
 * then the control tokens. Merges come from a small BPE training run on common English words (so
 * plain English really tokenizes into multi-character tokens), then whole-character merges for a
 * few accented and CJK characters, then filler merges of letters and digits up to the size asked.
 *
 * <p>What libllama's loader (llama-vocab.cpp, pinned commit) needs, and why this class gives it:
 * every token distinct (it asserts {@code id_to_token.size() == token_to_id.size()}); merges as
 * "left right", split at the first space after index 0 (tokens hold no raw space: byte 0x20 is
 * "Ġ"); every merge result a token (else the tokenizer falls back to single bytes of the symbol
 * text); NORMAL (1) type for the byte symbols, since for BYTE (6) it reads the byte from a
 * {@code <0xXX>} text; CONTROL (3) for the specials, so they are parsed as specials and hidden from
 * plain detokenizing (it forces eot-looking ones to CONTROL anyway, with a warning); a newline token,
 * which it finds at load by tokenizing "\n" (here the byte symbol "Ċ"). With "llama-bpe" it skips
 * the merges for a pre-token that is itself a token (ignore_merges); with "qwen2" it does not.
 */
public final class BpeVocabulary {
    /** 256 byte symbols, 3 or 5 control tokens, 56 whole-character merges and so about 70 English merges. */
    public static final int MIN_VOCAB = 384;
    public static final int MAX_VOCAB = Synth.MAX_VOCAB;

    /** Common English words, roughly most frequent first (the frequency order weights the training). */
    private static final String WORDS = """
            the of and to a in is it you that he was for on are with as i his they be at one have this
            from or had by not word but what some we can out other were all there when up use your how
            said an each she which do their time if will way about many then them write would like so
            these her long make thing see him two has look more day could go come did number sound no
            most people my over know water than call first who may down side been now find any new work
            part take get place made live where after back little only round man year came show every
            good me give our under name very through just form sentence great think say help low line
            differ turn cause much mean before move right boy old too same tell does set three want air
            well also play small end put home read hand port large spell add even land here must big
            high such follow act why ask men change went light kind off need house picture try us again
            animal point mother world near build self earth father head stand own page should country
            found answer school grow study still learn plant cover food sun four between state keep eye
            never last let thought city tree cross farm hard start might story saw far sea draw left late
            run while press close night real life few north open seem together next white children begin
            got walk example ease paper group always music those both mark often letter until mile river
            car feet care second book carry took science eat room friend began idea fish mountain stop
            once base hear horse cut sure watch color face wood main enough plain girl usual young ready
            above ever red list though feel talk bird soon body dog family direct pose leave song measure
            door product black short numeral class wind question happen complete ship area half rock
            order fire south problem piece told knew pass since top whole king space heard best hour
            better true during hundred five remember step early hold west ground interest reach fast verb
            sing listen six table travel less morning ten simple several vowel toward war lay against
            pattern slow center love person money serve appear road map rain rule govern pull cold
            notice voice unit power town fine certain fly fall lead cry dark machine note wait plan
            figure star box noun field rest correct able pound done beauty drive stood contain front
            teach week final gave green oh quick develop ocean warm free minute strong special mind
            behind clear tail produce fact street inch multiply nothing course stay wheel full force
            blue object decide surface deep moon island foot system busy test record boat common gold
            possible plane stead dry wonder laugh thousand ago ran check game shape equate hot miss
            brought heat snow tire bring yes distant fill east paint language among brown fox jumps lazy
            """;
    /** Word pieces that follow a stem (no space prefix): suffixes real vocabularies merge early. */
    private static final String PIECES = "ing ed er ly tion s es est ment ness able ful less ous ive al ity ize";
    /** Characters merged whole, so text with them decodes token by token (no split UTF-8 sequence). */
    private static final String CHARS = "àáâäåçèéêëìíîïñòóôöøùúûüýÿßæœ中文日本語的一是不人我在有他这";
    private static final String FILL = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String SPACE = "\u0120";   // Ġ: byte 0x20 in bytes_to_unicode

    private BpeVocabulary() {}

    /**
     * The tokenizer metadata of a BPE vocabulary of exactly {@code nVocab} tokens, in insertion order.
     *
     * @param pre {@code tokenizer.ggml.pre}: "qwen2" gives Qwen2.5's control tokens ({@code
     *     <|endoftext|>} is bos and eos; {@code <|im_start|>}, {@code <|im_end|>} for ChatML), anything
     *     else Llama 3's (bos {@code <|begin_of_text|>}, eos {@code <|end_of_text|>}, and {@code <|eot_id|>},
     *     {@code <|start_header_id|>}, {@code <|end_header_id|>} for its chat template); libllama rejects (at load, without
     *     aborting) names it does not know; "llama-bpe" and "qwen2" are two it does
     * @param addBos {@code tokenizer.ggml.add_bos_token}
     * @throws IllegalArgumentException for nVocab outside [{@link #MIN_VOCAB}, {@link #MAX_VOCAB}]
     */
    public static Map<String, GgufValue> metadata(int nVocab, String pre, boolean addBos) {
        Objects.requireNonNull(pre, "pre");
        if (nVocab < MIN_VOCAB || nVocab > MAX_VOCAB) {
            throw new IllegalArgumentException("BPE vocabulary must be " + MIN_VOCAB + " to " + MAX_VOCAB + " tokens: " + nVocab);
        }
        boolean qwen = pre.equals("qwen2");
        List<String> specials = qwen ? List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>")
                : List.of("<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>", "<|start_header_id|>", "<|end_header_id|>");
        Builder b = new Builder(nVocab - specials.size());
        List<String> tokens = new ArrayList<>(b.tokens);
        int first = tokens.size();
        int[] types = new int[nVocab];
        Arrays.fill(types, 0, first, 1);   // NORMAL, byte symbols too
        for (String s : specials) {
            types[tokens.size()] = 3;   // CONTROL
            tokens.add(s);
        }
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", GgufValue.ofString("gpt2"));
        m.put("tokenizer.ggml.pre", GgufValue.ofString(pre));
        m.put("tokenizer.ggml.tokens", GgufValue.ofStringArray(tokens));
        m.put("tokenizer.ggml.token_type", GgufValue.ofI32Array(types));
        m.put("tokenizer.ggml.merges", GgufValue.ofStringArray(b.merges));
        m.put("tokenizer.ggml.bos_token_id", GgufValue.ofU32(first));
        m.put("tokenizer.ggml.eos_token_id", GgufValue.ofU32(qwen ? first : first + 1));
        m.put("tokenizer.ggml.add_bos_token", GgufValue.ofBool(addBos));
        return m;
    }

    /** GPT-2's bytes_to_unicode: printable Latin-1 bytes map to themselves, the rest to U+0100 onwards. */
    public static String[] byteSymbols() {
        String[] map = new String[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            map[b] = String.valueOf((char) (printable ? b : 256 + n++));
        }
        return map;
    }

    /** The byte symbols of {@code s}'s UTF-8 bytes, one String each. */
    static List<String> symbols(String s) {
        String[] map = byteSymbols();
        List<String> out = new ArrayList<>();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) out.add(map[x & 0xFF]);
        return out;
    }

    /** Tokens and merges up to {@code size} tokens (the specials excluded). */
    private static final class Builder {
        final LinkedHashSet<String> tokens = new LinkedHashSet<>();
        final List<String> merges = new ArrayList<>();
        final int size;

        Builder(int size) {
            this.size = size;
            // GPT-2 order: the printable bytes first (as bs lists them), then the remapped ones.
            String[] map = byteSymbols();
            for (int pass = 0; pass < 2; pass++) {
                for (int b = 0; b < 256; b++) if ((map[b].charAt(0) < 256) == (pass == 0)) tokens.add(map[b]);
            }
            List<String[]> chars = charMerges();
            train(size - chars.size());
            for (String[] p : chars) merge(p[0], p[1]);
            fill();
        }

        /** Adds left+right as a token and its merge; false (nothing added) if full or already a token. */
        boolean merge(String left, String right) {
            if (tokens.size() >= size || !tokens.contains(left) || !tokens.contains(right)) return false;
            if (!tokens.add(left + right)) return false;
            merges.add(left + " " + right);
            return true;
        }

        /**
         * Classic BPE training on the word list (" word" weighted like its frequency, "word" as at a
         * sentence start a quarter of that): repeatedly merge the heaviest adjacent pair, ties by the
         * pair's text, so encoding those words retraces the training and ends in whole-word tokens.
         */
        void train(int budget) {
            List<List<String>> seqs = new ArrayList<>();
            List<Long> weights = new ArrayList<>();
            String[] words = WORDS.trim().split("\\s+");
            for (int r = 0; r < words.length; r++) {
                long w = 1_000_000L / (r + 20);
                seqs.addAll(List.of(symbols(" " + words[r]), symbols(words[r])));
                weights.addAll(List.of(w, w / 4 + 1));
            }
            for (String p : PIECES.split(" ")) {
                seqs.add(symbols(p));
                weights.add(2_000L);
            }
            while (tokens.size() < budget) {
                Map<String, Long> counts = new HashMap<>();
                for (int i = 0; i < seqs.size(); i++) {
                    List<String> s = seqs.get(i);
                    for (int j = 0; j + 1 < s.size(); j++) counts.merge(s.get(j) + " " + s.get(j + 1), weights.get(i), Long::sum);
                }
                String best = null;
                long bestCount = -1;
                for (var e : counts.entrySet()) {
                    long c = e.getValue();
                    if (c > bestCount || (c == bestCount && e.getKey().compareTo(best) < 0)) { best = e.getKey(); bestCount = c; }
                }
                if (best == null) break;   // every word is one token
                int sp = best.indexOf(' ');
                String l = best.substring(0, sp), r = best.substring(sp + 1);
                merge(l, r);
                for (List<String> s : seqs) {
                    for (int j = 0; j + 1 < s.size(); j++) {
                        if (s.get(j).equals(l) && s.get(j + 1).equals(r)) {
                            s.set(j, l + r);
                            s.remove(j + 1);
                        }
                    }
                }
            }
        }

        /** Left-to-right merges building each of CHARS from its UTF-8 byte symbols (shared prefixes once). */
        static List<String[]> charMerges() {
            List<String[]> out = new ArrayList<>();
            LinkedHashSet<String> seen = new LinkedHashSet<>();
            CHARS.codePoints().forEach(cp -> {
                List<String> sym = symbols(Character.toString(cp));
                String acc = sym.get(0);
                for (int i = 1; i < sym.size(); i++) {
                    if (seen.add(acc + sym.get(i))) out.add(new String[] {acc, sym.get(i)});
                    acc += sym.get(i);
                }
            });
            return out;
        }

        /**
         * Filler up to the size: for lengths 1, 2, ... every string s over FILL as " s" and s (length
         * 2 up), each merged from its prefix one shorter (made at the length before) and its last character.
         */
        void fill() {
            for (int len = 1; tokens.size() < size; len++) {
                int[] idx = new int[len];
                while (tokens.size() < size) {
                    StringBuilder sb = new StringBuilder();
                    for (int k : idx) sb.append(FILL.charAt(k));
                    String s = sb.toString(), last = s.substring(len - 1), head = s.substring(0, len - 1);
                    merge(SPACE + head, last);
                    if (len >= 2) merge(head, last);
                    int k = len - 1;
                    while (k >= 0 && ++idx[k] == FILL.length()) idx[k--] = 0;
                    if (k < 0) break;
                }
            }
        }
    }
}
