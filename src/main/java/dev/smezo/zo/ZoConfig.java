package dev.smezo.zo;

/**
 * The optimizer's settings.
 *
 * @param eps         perturbation scale (MeZO: 1e-3)
 * @param lr          base learning rate
 * @param weightDecay decoupled decay: W -= lr * weightDecay * W once per step
 * @param directions  q, the number of seeded directions averaged per step (n-SPSA; 1 is MeZO)
 * @param schedule    learning-rate schedule over totalSteps
 * @param totalSteps  steps of the run (needed by LINEAR and COSINE)
 * @param runSeed     the run's seed; every step's seeds derive from it ({@link Estimator#seed})
 * @param clipG       |g| is clipped to this (QZO's 100 for quantized scales); 0: no clipping
 */
public record ZoConfig(double eps, double lr, double weightDecay, int directions, Schedule schedule, long totalSteps,
                       long runSeed, double clipG) {
    public static final double DEFAULT_EPS = 1e-3;

    public ZoConfig {
        if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("eps " + eps + " must be positive and finite");
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr " + lr + " must be >= 0 and finite");
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay " + weightDecay + " must be >= 0 and finite");
        }
        if (directions < 1) throw new IllegalArgumentException("directions " + directions + " must be >= 1");
        if (schedule == null) throw new IllegalArgumentException("schedule is null");
        if (schedule != Schedule.CONSTANT && totalSteps <= 0) {
            throw new IllegalArgumentException(schedule + " schedule needs totalSteps > 0");
        }
        if (!(clipG >= 0) || Double.isInfinite(clipG)) throw new IllegalArgumentException("clip " + clipG + " must be >= 0 and finite");
    }

    public ZoConfig(double eps, double lr, double weightDecay, int directions, Schedule schedule, long totalSteps,
                    long runSeed) {
        this(eps, lr, weightDecay, directions, schedule, totalSteps, runSeed, 0);
    }

    public ZoConfig withClip(double c) {
        return new ZoConfig(eps, lr, weightDecay, directions, schedule, totalSteps, runSeed, c);
    }

    /** g clipped to [-clipG, clipG] (unchanged when clipG is 0 or g is not finite). */
    public double clip(double g) {
        return clipG > 0 && Double.isFinite(g) ? Math.max(-clipG, Math.min(clipG, g)) : g;
    }

    /** MeZO's defaults: eps 1e-3, no weight decay, one direction, constant rate. */
    public static ZoConfig of(double lr, long runSeed) {
        return new ZoConfig(DEFAULT_EPS, lr, 0.0, 1, Schedule.CONSTANT, 0, runSeed);
    }

    public ZoConfig withEps(double v) {
        return new ZoConfig(v, lr, weightDecay, directions, schedule, totalSteps, runSeed, clipG);
    }

    public ZoConfig withWeightDecay(double v) {
        return new ZoConfig(eps, lr, v, directions, schedule, totalSteps, runSeed, clipG);
    }

    public ZoConfig withDirections(int q) {
        return new ZoConfig(eps, lr, weightDecay, q, schedule, totalSteps, runSeed, clipG);
    }

    public ZoConfig withSchedule(Schedule s, long total) {
        return new ZoConfig(eps, lr, weightDecay, directions, s, total, runSeed, clipG);
    }

    /** The learning rate at a step. */
    public double lr(long step) {
        return lr * schedule.factor(step, totalSteps);
    }
}
