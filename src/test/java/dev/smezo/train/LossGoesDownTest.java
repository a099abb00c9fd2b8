package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.forward.BackendWeights;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.model.Model;
import dev.smezo.perturb.Method;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.perturb.Trainables;
import dev.smezo.testing.TestModels;
import dev.smezo.tokenizer.Tokenizer;
import dev.smezo.zo.Estimator;
import dev.smezo.zo.StepResult;
import dev.smezo.zo.ZoConfig;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A few hundred zeroth-order steps on stories260K lower its loss on a fixed batch of TinyStories-like text. */
@Tag("native")
@Tag("model")
class LossGoesDownTest {
    static final String[] TEXTS = {
        "Once upon a time, there was a little dog named Max. Max liked to run in the green grass.",
        "One day, a girl named Sue found a shiny red ball under a big tree. She was very happy.",
        "The cat sat on the warm mat and looked at the bird. The bird sang a pretty song.",
        "Tim and his dad went to the lake. They saw a big fish jump out of the water.",
    };

    @ParameterizedTest(name = "{0}: lr {1}")
    @CsvSource({"SMEZO, 2e-3", "MEZO, 2e-4", "RMEZO, 5e-4", "SMEZO_LARGE, 5e-4"})
    void fewHundredStepsLowerTheLoss(Method method, double lr) throws Exception {
        Path path = TestModels.stories260K();
        int steps = 300;
        try (Arena arena = Arena.ofShared();
             Model m = Model.open(path);
             Tokenizer tok = Tokenizer.load(path);
             CpuBackend backend = new CpuBackend(2);
             BackendWeights bw = new BackendWeights(m.weights())) {
            int[][] seqs = new int[TEXTS.length][];
            for (int i = 0; i < TEXTS.length; i++) seqs[i] = tok.encode(TEXTS[i], true);
            TokenObjective obj = TokenObjective.nextTokens(seqs, m.config().nVocab());
            Trainables t = Trainables.select(m.weights(), Trainables.Selection.MATRICES, method, 0.8, 3, 2, arena);
            try (PerturbedModel pm = new PerturbedModel(m.config(), bw, t, backend)) {
                ModelZo zo = new ModelZo(pm);
                zo.objective(obj);
                double before = zo.loss(0, 0f);
                Estimator est = new Estimator(zo, ZoConfig.of(lr, 42));
                for (int s = 0; s < steps; s++) {
                    StepResult r = est.step(s);
                    assertFalse(r.skipped(), "step " + s + " had a non-finite loss");
                }
                double after = zo.loss(0, 0f);
                System.out.printf("%s lr %.0e: loss %.4f -> %.4f after %d steps (trained fraction %.3f)%n",
                        method, lr, before, after, steps, t.realizedFraction(m.weights()));
                assertTrue(after < before - 0.02, method + ": loss " + before + " -> " + after);
            }
        }
    }
}
