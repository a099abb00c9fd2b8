package dev.smezo.zo;

/** Learning-rate schedules: the factor applied to the base rate at a step of a run of totalSteps. */
public enum Schedule {
    /** 1 at every step. */
    CONSTANT,
    /** 1 - step / total, reaching 0 at the last step and staying there. */
    LINEAR,
    /** (1 + cos(pi * step / total)) / 2, 0 from step total on. */
    COSINE;

    public double factor(long step, long totalSteps) {
        if (this == CONSTANT) return 1.0;
        if (totalSteps <= 0) throw new IllegalArgumentException(this + " schedule needs the total number of steps");
        double x = Math.min(Math.max(step, 0), totalSteps) / (double) totalSteps;
        return this == LINEAR ? 1.0 - x : 0.5 * (1.0 + Math.cos(Math.PI * x));
    }
}
