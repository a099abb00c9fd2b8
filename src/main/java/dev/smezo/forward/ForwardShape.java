package dev.smezo.forward;

/**
 * The fixed shape a forward graph is built for: {@code sequences} rows of {@code length} tokens
 * (shorter sequences are padded), and {@code outputs} positions whose logits come back.
 * A graph and its compute buffer are built once per shape and reused by every batch of it.
 */
public record ForwardShape(int sequences, int length, int outputs) {
    public ForwardShape {
        if (sequences < 1 || length < 1 || outputs < 1) {
            throw new IllegalArgumentException("shape needs sequences, length and outputs >= 1: " + this);
        }
        if ((long) sequences * length > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("batch too large: " + sequences + " x " + length);
        }
    }

    public int tokens() {
        return sequences * length;
    }
}
