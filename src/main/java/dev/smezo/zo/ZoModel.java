package dev.smezo.zo;

/**
 * A model seen by the zeroth-order optimizer: a loss oracle at seeded perturbations and an in-place
 * update along the same perturbation. z(seed) is standard normal noise regenerated from the seed and
 * m the model's mask (dense, magnitude or random); both are the model's business.
 */
public interface ZoModel {
    /** The loss at W + scale * z(seed) * m, leaving W as it is. */
    double loss(long seed, float scale);

    /** W &lt;- W + coeff * z(seed) * m - decay * W, in place; m is computed from W before the update. */
    void update(long seed, float coeff, float decay);
}
