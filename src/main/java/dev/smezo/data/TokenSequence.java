package dev.smezo.data;

/**
 * A record as the model sees it: its tokens, and which of them the loss covers ({@code target[i]}:
 * the model's prediction of token i from tokens 0..i-1 counts; {@code target[0]} is always false).
 *
 * @param where    {@code FILE:LINE} of the record
 * @param cut      tokens dropped from the left of the prompt to fit {@code --max-length}
 */
public record TokenSequence(String where, int[] tokens, boolean[] target, int cut) {
    public TokenSequence {
        if (target.length != tokens.length) throw new IllegalArgumentException(where + ": target mask and tokens differ in length");
        if (target.length > 0 && target[0]) throw new IllegalArgumentException(where + ": the first token cannot be a target");
    }

    public int length() {
        return tokens.length;
    }

    /** Tokens the loss covers. */
    public int targets() {
        int n = 0;
        for (boolean t : target) if (t) n++;
        return n;
    }
}
