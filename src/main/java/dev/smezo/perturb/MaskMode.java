package dev.smezo.perturb;

/** Which elements of a tensor are perturbed and updated (the C {@code mask_mode}). */
public enum MaskMode {
    /** Every element (MeZO). */
    DENSE,
    /** Elements with |w| below a per-tensor threshold fixed before training (S-MeZO). */
    MAGNITUDE,
    /** A fixed seeded Bernoulli keep mask (R-MeZO). */
    RANDOM,
    /** Elements with |w| at or above a per-tensor threshold: the largest weights (S-MeZO's control). */
    LARGE;

    /** Whether the mask compares |w| with the threshold (MAGNITUDE, LARGE). */
    public boolean byMagnitude() {
        return this == MAGNITUDE || this == LARGE;
    }

    /** The value of {@code smezo_tensor_cfg.mask_mode}. */
    public int code() {
        return ordinal();
    }
}
