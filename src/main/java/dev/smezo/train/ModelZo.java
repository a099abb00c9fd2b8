package dev.smezo.train;

import dev.smezo.perturb.PerturbedModel;
import dev.smezo.zo.ZoModel;

/** The bridge from the estimator to the model: loss(seed, scale) runs a perturbed forward of the current objective. */
public final class ModelZo implements ZoModel {
    private final PerturbedModel model;
    private Objective objective;

    public ModelZo(PerturbedModel model) {
        this.model = model;
    }

    /** The objective of the next step(s). */
    public void objective(Objective o) {
        this.objective = o;
    }

    @Override
    public double loss(long seed, float scale) {
        return objective.loss((b, s) -> model.logits(b, s, seed, scale));
    }

    @Override
    public void update(long seed, float coeff, float decay) {
        model.update(seed, coeff, decay);
    }

    public PerturbedModel model() {
        return model;
    }
}
