package dev.smezo.perturb;

/** The three zeroth-order methods, by the mask they put on the noise. */
public enum Method {
    /** Sparse MeZO: perturb and update only the weights of smallest magnitude (|w| below a per-tensor threshold). */
    SMEZO(MaskMode.MAGNITUDE),
    /** MeZO: every element. */
    MEZO(MaskMode.DENSE),
    /** Random-mask MeZO: a fixed, seeded random subset of the same size as S-MeZO's. */
    RMEZO(MaskMode.RANDOM),
    /**
     * The paper's control (S-MeZO, section 3): the same fraction of each tensor, but its largest weights
     * (|w| at or above a threshold fixed before training).
     */
    SMEZO_LARGE(MaskMode.LARGE);

    public final MaskMode mask;

    Method(MaskMode mask) {
        this.mask = mask;
    }

    /** The name on the command line and in run files: smezo, mezo, rmezo, smezo-large. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** A method by its {@link #cliName()} (any case; "r-mezo" and "s-mezo" spelled with a dash too); null if none. */
    public static Method parse(String s) {
        String n = s.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (Method m : values()) if (m.name().equals(n) || m.name().equals(n.replace("_", ""))) return m;
        return null;
    }

    /** The names {@link #parse} accepts, for messages: "smezo, mezo, rmezo or smezo-large". */
    public static String choices() {
        StringBuilder b = new StringBuilder();
        Method[] v = values();
        for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : i == v.length - 1 ? " or " : ", ").append(v[i].cliName());
        return b.toString();
    }
}
