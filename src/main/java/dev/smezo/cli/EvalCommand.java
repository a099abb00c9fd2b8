package dev.smezo.cli;

import dev.smezo.forward.BackendWeights;
import dev.smezo.forward.Forward;
import dev.smezo.forward.ForwardShape;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.json.Json;
import dev.smezo.model.Model;
import dev.smezo.task.Splits;
import dev.smezo.task.Task;
import dev.smezo.task.Tasks;
import dev.smezo.tokenizer.Tokenizer;
import dev.smezo.train.CandidateBatch;
import dev.smezo.train.Demonstrations;
import dev.smezo.train.EncodedExample;
import dev.smezo.train.Evaluator;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "eval",
        description = {
            "Zero-shot (or in-context, --shots K) accuracy of MODEL on a task's test split, sampled as "
                    + "MeZO's protocol does (up to 1,000 seeded examples of the validation file). Each candidate "
                    + "is scored by its mean token log-probability; the highest is the prediction.",
            "",
            "Example:  smezo eval model.gguf --task sst2 --shots 4"},
        mixinStandardHelpOptions = true)
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF model.")
    Path model;

    @Option(names = "--task", required = true, description = "Built-in task or task JSON file.")
    String task;

    @picocli.CommandLine.Mixin
    DataOption data;

    @Option(names = "--shots", defaultValue = "0", description = "In-context demonstrations from the train split (default: ${DEFAULT-VALUE}).")
    int shots;

    @Option(names = "--n-test", defaultValue = "1000", description = "Test examples (default: ${DEFAULT-VALUE}).")
    int nTest;

    @Option(names = "--batch", defaultValue = "8", description = "Examples per forward (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--max-length", defaultValue = "512", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "One JSON object on stdout.")
    boolean json;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        OptionChecks.atLeast("--batch", batch, 1);
        OptionChecks.atLeast("--shots", shots, 0);
        OptionChecks.atLeast("--n-test", nTest, 0);
        Task t = Tasks.byName(task);
        Path dataDir = data.resolve();
        Splits splits = Splits.sample(t, dataDir, seed, shots > 0 ? 1000 : 0, 0, nTest);
        System.err.println(splits.note());
        long started = System.nanoTime();
        try (Model m = Model.open(model);
             Tokenizer tok = Tokenizer.load(model, m.metadata());
             CpuBackend backend = new CpuBackend(threads.resolve());
             BackendWeights w = new BackendWeights(m.weights())) {
            String context = Demonstrations.context(splits.train(), shots, seed);
            List<EncodedExample> test = EncodedExample.encodeAll(tok, splits.test(), context, maxLength);
            int perBatch = Math.min(batch, Math.max(1, test.size()));   // a graph wider than the examples is waste
            ForwardShape shape = CandidateBatch.shapeFor(test, perBatch, false);
            Progress progress = new Progress("eval", test.size());
            int[] done = {0};
            Evaluator.Result r;
            try (Forward f = new Forward(m.config(), w.plain(), backend, shape)) {
                r = Evaluator.evaluate((b, s) -> {
                    f.run(b);
                    done[0] += perBatch;
                    progress.update(Math.min(done[0], test.size()), "");
                    return f.logitsSegment();
                }, m.config().nVocab(), shape, t, test, perBatch);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("task", t.name());
            out.put("shots", (long) shots);
            out.putAll(r.metrics());
            out.put("loss", Json.finiteOrNull(r.loss()));   // null: non-finite logits
            out.put("seconds", (System.nanoTime() - started) / 1e9);
            if (json) {
                System.out.println(Json.write(out));
            } else {
                for (var e : out.entrySet()) {
                    Object v = e.getValue();
                    System.out.printf(Locale.ROOT, "%-10s %s%n", e.getKey(),
                            v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : v);
                }
            }
        }
        return Main.EXIT_OK;
    }
}
