package dev.smezo.cli;

import dev.smezo.bench.ForwardBench;
import dev.smezo.bench.StepBench;
import dev.smezo.perturb.Method;
import dev.smezo.model.LlamaModel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench",
        description = {
            "Measure a model's forward speed (and, with --llama, libllama's llama_decode on the same file, tokens, "
                    + "threads and ggml build) and print one table; --json for machines.",
            "",
            "Example:  smezo bench model.gguf --batch 4 --seq 128 --llama"},
        mixinStandardHelpOptions = true)
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF model.")
    Path model;

    @Option(names = "--batch", defaultValue = "4", description = "Sequences per forward (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs after one warm-up; the median is kept (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--llama", description = "Also time libllama's llama_decode on the same batch.")
    boolean llama;

    @Option(names = "--method", defaultValue = "smezo",
            description = "Step to time: smezo, mezo, rmezo, or none (forward only). Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--sparsity", defaultValue = "0.8", description = "S-MeZO/R-MeZO sparsity (default: ${DEFAULT-VALUE}).")
    double sparsity;

    @Option(names = "--json", description = "One JSON object on stdout.")
    boolean json;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() throws Exception {
        try (LlamaModel m = LlamaModel.open(model)) {
            ForwardBench.Result r = ForwardBench.run(model, m, batch, seq, threads.resolve(), runs, llama);
            StepBench.Result st = method.equalsIgnoreCase("none") ? null
                    : StepBench.run(m, Method.valueOf(method.toUpperCase(Locale.ROOT)), sparsity, batch, seq,
                            threads.resolve(), runs);
            if (json) {
                System.out.printf(Locale.ROOT, "{\"model\":\"%s\",\"batch\":%d,\"seq\":%d,\"threads\":%d,"
                                + "\"forward_s\":%.6f,\"forward_tokens_per_s\":%.2f,\"llama_decode_s\":%s,"
                                + "\"llama_tokens_per_s\":%s,\"ratio\":%s,\"compute_buffer_bytes\":%d%s}%n",
                        model, batch, seq, r.threads(), r.smezoSeconds(), r.smezoTokensPerSecond(),
                        num(r.llamaSeconds()), num(r.llamaTokensPerSecond()), num(r.ratio()), r.computeBytes(),
                        st == null ? "" : String.format(Locale.ROOT, ",\"method\":\"%s\",\"sparsity\":%s,"
                                + "\"step_forward_s\":%.6f,\"step_s\":%.6f,\"step_over_two_forwards\":%.4f,"
                                + "\"step_compute_buffer_bytes\":%d,\"trained_elements\":%d", st.method(), st.sparsity(),
                                st.forwardSeconds(), st.stepSeconds(), st.ratio(), st.stepComputeBytes(), st.trainedElements()));
            } else {
                System.out.printf(Locale.ROOT, "| model | batch x seq | threads | smezo forward | smezo tok/s | llama_decode | llama tok/s | ratio |%n");
                System.out.printf(Locale.ROOT, "|---|---|---|---|---|---|---|---|%n");
                System.out.printf(Locale.ROOT, "| %s | %d x %d | %d | %.4f s | %.1f | %s | %s | %s |%n",
                        model.getFileName(), batch, seq, r.threads(), r.smezoSeconds(), r.smezoTokensPerSecond(),
                        llama ? String.format(Locale.ROOT, "%.4f s", r.llamaSeconds()) : "-",
                        llama ? String.format(Locale.ROOT, "%.1f", r.llamaTokensPerSecond()) : "-",
                        llama ? String.format(Locale.ROOT, "%.3f", r.ratio()) : "-");
                if (st != null) {
                    System.out.printf(Locale.ROOT, "%n| method | batch x seq (scored) | forward | step | step / 2 forwards |%n|---|---|---|---|---|%n");
                    System.out.printf(Locale.ROOT, "| %s (sparsity %s) | %d x %d (%d) | %.4f s | %.4f s | %.3f |%n",
                            st.method(), st.sparsity(), batch, seq, st.outputs(), st.forwardSeconds(), st.stepSeconds(), st.ratio());
                }
            }
        }
        return Main.EXIT_OK;
    }

    private static String num(double d) {
        return Double.isNaN(d) ? "null" : String.format(Locale.ROOT, "%.6f", d);
    }
}
