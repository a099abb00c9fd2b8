package dev.smezo.cli;

import dev.smezo.data.SequenceEncoder;
import dev.smezo.generate.Generator;
import dev.smezo.generate.Sampling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code train --show-samples N}: greedy answers to a few dev prompts from the base model and from the fine-tune. */
final class Samples {
    /** Tokens generated per prompt. */
    static final int MAX_TOKENS = 64;

    private Samples() {}

    /** Greedy (temperature 0) answers of {@code model}, one per prompt, through libllama. */
    static List<String> answers(Path model, List<SequenceEncoder.Prompt> prompts, int threads) {
        List<String> out = new ArrayList<>();
        try (Generator g = Generator.open(model, 0, threads)) {
            Sampling greedy = new Sampling(MAX_TOKENS, 0, 1, 0);
            for (SequenceEncoder.Prompt p : prompts) out.add(g.generate(p.tokens(), greedy, s -> {}).text());
        }
        return out;
    }

    /** The samples as text: each prompt's end, the reference answer, and the two models' answers. */
    static String format(List<SequenceEncoder.Prompt> prompts, List<String> before, List<String> after) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < prompts.size(); i++) {
            SequenceEncoder.Prompt p = prompts.get(i);
            String text = p.text();
            sb.append(String.format(Locale.ROOT, "%nsample %d (%s)%n  prompt     ...%s%n", i + 1, p.where(),
                    oneLine(text.substring(Math.max(0, text.length() - 160)))));
            if (p.expected() != null) sb.append("  reference  ").append(oneLine(p.expected())).append('\n');
            sb.append("  base       ").append(oneLine(before.get(i))).append('\n');
            sb.append("  fine-tuned ").append(oneLine(after.get(i))).append('\n');
        }
        return sb.toString();
    }

    private static String oneLine(String s) {
        return s.replace("\n", "\\n");
    }
}
