package dev.smezo.testing;

import dev.smezo.data.TokenSequence;
import dev.smezo.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** What a sequence's loss mask covers, as text: one string per run of consecutive target tokens. */
public final class TrainedRuns {
    private TrainedRuns() {}

    public static List<String> of(Tokenizer tok, TokenSequence s) {
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < s.length(); i++) {
            if (!s.target()[i]) continue;
            int j = i;
            while (j < s.length() && s.target()[j]) j++;
            runs.add(tok.decode(Arrays.copyOfRange(s.tokens(), i, j)));
            i = j;
        }
        return runs;
    }
}
