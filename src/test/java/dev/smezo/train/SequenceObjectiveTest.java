package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.data.DataRecord;
import dev.smezo.data.SequenceEncoder;
import dev.smezo.data.TokenSequence;
import dev.smezo.forward.LogProbs;
import dev.smezo.forward.Placement;
import dev.smezo.model.Model;
import dev.smezo.perturb.Method;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.perturb.Trainables;
import dev.smezo.reference.LlamaCppReference;
import dev.smezo.testing.TestModels;
import dev.smezo.tokenizer.Tokenizer;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sequence loss on stories260K: run as micro-batches it equals the one-forward loss (the same
 * perturbation in every forward; only the order of float sums differs), and at c = 0 it equals the
 * loss computed independently from libllama's logits over the same tokens and targets.
 */
@Tag("native")
class SequenceObjectiveTest {
    static final String[] TEXTS = {
        "Once upon a time, there was a little girl named Lily.",
        "Tom had a red ball.",
        "The sun was hot and the sky was blue. Ben and his mom went to the park to play on the swings.",
        "Sue liked to draw.",
        "One day, a big dog came to the garden and barked at the cat, who ran up the tree.",
        "Max was sad.",
    };

    static List<TokenSequence> sequences(Tokenizer tok) {
        SequenceEncoder enc = new SequenceEncoder(tok, null, false, 256);
        List<TokenSequence> out = new ArrayList<>();
        for (int i = 0; i < TEXTS.length; i++) {
            String t = TEXTS[i];
            int cut = t.indexOf(' ', t.length() / 3);   // a prompt, then the completion that is trained
            out.add(enc.encode(new DataRecord.Text("t.jsonl", i + 1, t.substring(0, cut), t.substring(cut))));
        }
        return out;
    }

    @Test
    void microBatchedLossEqualsTheOneForwardLossAtAnyPerturbation() throws Exception {
        Path path = TestModels.stories260K();
        try (Arena arena = Arena.ofShared();
             Model m = Model.open(path);
             Tokenizer tok = Tokenizer.load(path, m.metadata());
             Placement place = Placement.open("cpu", m.weights(), 2)) {
            List<TokenSequence> seqs = sequences(tok);
            Trainables t = Trainables.select(m.weights(), new Trainables.Selection(true, null, null), Method.SMEZO, 0.8, 1,
                    Trainables.Scales.DEFAULT, 2, arena);
            int nVocab = m.config().nVocab();
            try (PerturbedModel pm = new PerturbedModel(m.config(), place.weights(), t, place.backend())) {
                pm.reserveFor(SequenceObjective.largest(seqs, seqs.size()));   // one shared buffer for every shape
                for (float c : new float[] {0f, 1e-3f, -1e-3f}) {
                    Objective.Forwards f = (b, s) -> pm.logits(b, s, 42, c);
                    double whole = new SequenceObjective(seqs, seqs.size(), nVocab).loss(f);
                    assertTrue(Double.isFinite(whole) && whole > 0);
                    for (int perForward : new int[] {1, 2, 4}) {
                        SequenceObjective micro = new SequenceObjective(seqs, perForward, nVocab);
                        assertEquals((seqs.size() + perForward - 1) / perForward, micro.forwards());
                        double l = micro.loss(f);
                        // measured: |difference| / loss at most 4.5e-16: every forward gives the same logits
                        // for a sequence (ggml's row-wise kernels, masked padding adds exact zeros); only
                        // the order of the double sum over the micro-batches differs
                        assertEquals(whole, l, 1e-12 * whole, "c " + c + ", " + perForward + " per forward");
                    }
                }
                // c != 0 changes the loss (the perturbation really reaches every micro-batch)
                double at0 = new SequenceObjective(seqs, 1, nVocab).loss((b, s) -> pm.logits(b, s, 42, 0f));
                double atC = new SequenceObjective(seqs, 1, nVocab).loss((b, s) -> pm.logits(b, s, 42, 1e-2f));
                assertNotEquals(at0, atC);
            }
        }
    }

    @Test
    void unperturbedLossEqualsTheLossFromLibllamasLogits() throws Exception {
        Path path = TestModels.stories260K();
        try (Arena arena = Arena.ofShared();
             Model m = Model.open(path);
             Tokenizer tok = Tokenizer.load(path, m.metadata());
             Placement place = Placement.open("cpu", m.weights(), 2);
             LlamaCppReference ref = new LlamaCppReference(path, 256, 1, 2)) {
            List<TokenSequence> seqs = sequences(tok);
            int nVocab = m.config().nVocab();
            double nll = 0;
            int n = 0;
            for (TokenSequence s : seqs) {
                float[] logits = ref.logits(s.tokens());
                for (int i = 1; i < s.length(); i++) {
                    if (!s.target()[i]) continue;
                    nll -= LogProbs.of(logits, i - 1, nVocab, s.tokens()[i]);
                    n++;
                }
            }
            double expected = nll / n;
            Trainables t = Trainables.select(m.weights(), new Trainables.Selection(false, null, null), Method.SMEZO, 0.8, 1,
                    Trainables.Scales.DEFAULT, 2, arena);
            try (PerturbedModel pm = new PerturbedModel(m.config(), place.weights(), t, place.backend())) {
                pm.reserveFor(SequenceObjective.largest(seqs, 2));
                SequenceObjective o = new SequenceObjective(seqs, 2, nVocab);
                assertEquals(n, o.targets());
                assertEquals(expected, o.loss((b, s) -> pm.logits(b, s, 0, 0f)), 1e-4);
            }
        }
    }
}
