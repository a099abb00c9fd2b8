package dev.smezo.perturb;

/** The three zeroth-order methods, by the mask they put on the noise. */
public enum Method {
    /** Sparse MeZO: perturb and update only the weights of smallest magnitude (|w| below a per-tensor threshold). */
    SMEZO(MaskMode.MAGNITUDE),
    /** MeZO: every element. */
    MEZO(MaskMode.DENSE),
    /** Random-mask MeZO: a fixed, seeded random subset of the same size as S-MeZO's. */
    RMEZO(MaskMode.RANDOM);

    public final MaskMode mask;

    Method(MaskMode mask) {
        this.mask = mask;
    }
}
