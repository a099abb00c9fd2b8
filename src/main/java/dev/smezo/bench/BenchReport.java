package dev.smezo.bench;

import static dev.smezo.train.MemoryPlan.mib;

import dev.smezo.json.Json;
import dev.smezo.train.MemoryPlan;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One bench run: the memory predicted beside the memory measured, and forward and step speed; as one
 * markdown table or one JSON object.
 *
 * @param baselineRss the process's VmRSS before the model was loaded
 * @param peakRss     VmHWM after the forwards and steps (before any llama.cpp comparison)
 * @param llama       the forward-vs-llama_decode comparison, or null
 */
public record BenchReport(String model, MemoryPlan plan, long baselineRss, long peakRss, TrainBench.Result run,
                          ForwardBench.Result llama) {
    public long peakAboveBaseline() {
        return peakRss - baselineRss;
    }

    /** Measured peak over predicted peak. */
    public double peakOverPredicted() {
        return (double) peakRss / plan.total();
    }

    public static List<String> jvmArgs() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments();
    }

    public Map<String, Object> toMap() {
        TrainBench.Config c = run.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("method", c.method() == null ? "none" : c.method().cliName());
        m.put("sparsity", c.method() == null ? null : c.sparsity());
        m.put("batch", c.sequences());
        m.put("seq", c.length());
        m.put("scored_positions", c.shape().outputs());
        m.put("threads", c.threads());
        m.put("device", run.device().description());
        m.put("warmup", c.warmup());
        m.put("forwards", c.forwards());
        m.put("steps", c.method() == null ? 0 : c.steps());
        m.put("file_bytes", plan.fileBytes());
        m.put("weights_bytes", plan.weightsBytes());
        m.put("compute_buffer_bytes", c.method() == null ? run.plainComputeBytes() : run.stepComputeBytes());
        m.put("plain_compute_buffer_bytes", run.plainComputeBytes());
        m.put("predicted_compute_buffer_bytes", plan.computeBytes());
        m.put("predicted_host_bytes", plan.hostBytes());
        m.put("predicted_runtime_bytes", plan.runtimeBytes());
        m.put("predicted_work_bytes", plan.workBytes());
        m.put("predicted_peak_rss_bytes", plan.total());
        m.put("baseline_rss_bytes", baselineRss);
        m.put("peak_rss_bytes", peakRss);
        m.put("peak_minus_baseline_bytes", peakAboveBaseline());
        m.put("peak_over_predicted", round(peakOverPredicted(), 4));
        if (run.device().gpu()) {
            m.put("device_weights_bytes", run.device().weightsBytes());
            m.put("device_baseline_bytes", run.device().baselineBytes());
            m.put("device_used_bytes", run.device().usedBytes());
            m.put("device_used_over_weights", round(run.device().usedOverWeights(), 4));
        }
        m.put("forward_s", round(run.forwardSeconds(), 6));
        m.put("forward_tokens_per_s", round(run.forwardTokensPerSecond(), 2));
        if (c.method() != null) {
            m.put("step_s", round(run.stepSeconds(), 6));
            m.put("step_over_two_forwards", round(run.stepOverTwoForwards(), 4));
            m.put("train_tokens_per_s", round(run.trainTokensPerSecond(), 2));
            m.put("setup_s", round(run.setupSeconds(), 4));
            m.put("trained_elements", run.trainedElements());
            m.put("loss", Json.finiteOrNull(run.loss()));
        }
        if (llama != null) {
            m.put("all_positions_forward_s", round(llama.smezoSeconds(), 6));
            m.put("llama_decode_s", round(llama.llamaSeconds(), 6));
            m.put("llama_tokens_per_s", round(llama.llamaTokensPerSecond(), 2));
            m.put("forward_over_llama_speed", round(llama.ratio(), 4));
        }
        m.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        m.put("jvm_args", jvmArgs());
        return m;
    }

    public String json() {
        return Json.write(toMap());
    }

    /** One markdown table of measure and value. */
    public String table() {
        TrainBench.Config c = run.config();
        StringBuilder sb = new StringBuilder();
        row(sb, "measure", "value");
        sb.append("|---|---|\n");
        row(sb, "model", model);
        row(sb, "method", c.method() == null ? "none (forwards only)"
                : c.method().name() + (c.method().name().equals("MEZO") ? "" : " (sparsity " + c.sparsity() + ")"));
        row(sb, "batch x seq (scored)", c.sequences() + " x " + c.length() + " (" + c.shape().outputs() + ")");
        row(sb, "device", run.device().description());
        row(sb, "weights", mib(plan.weightsBytes()) + (plan.inMemory() ? " (built in memory)" : " (file " + mib(plan.fileBytes()) + ")"));
        row(sb, "compute buffer", mib(c.method() == null ? run.plainComputeBytes() : run.stepComputeBytes())
                + (c.method() == null ? "" : " (plain forward " + mib(run.plainComputeBytes()) + ")"));
        row(sb, "baseline RSS (before the model)", mib(baselineRss));
        row(sb, "predicted peak RSS", mib(plan.total()) + " (" + (plan.inMemory() ? "weights" : "file") + " + compute " + mib(plan.computeBytes()) + " + host "
                + mib(plan.hostBytes()) + " + runtime " + mib(plan.runtimeBytes()) + " + CPU work " + mib(plan.workBytes()) + ")");
        row(sb, "peak RSS (VmHWM)", mib(peakRss) + String.format(Locale.ROOT, " (%.3f x predicted)", peakOverPredicted()));
        row(sb, "peak - baseline", mib(peakAboveBaseline()));
        if (run.device().gpu()) {
            TrainBench.DeviceUse d = run.device();
            row(sb, "device memory", String.format(Locale.ROOT, "%s in use after the run - %s before the upload = %s "
                    + "(%.3f x the weights, %s on the device)", mib(d.usedBytes()), mib(d.baselineBytes()),
                    mib(d.usedBytes() - d.baselineBytes()), d.usedOverWeights(), mib(d.weightsBytes())));
        }
        row(sb, "forward", String.format(Locale.ROOT, "%.4f s (%.1f tok/s)", run.forwardSeconds(), run.forwardTokensPerSecond()));
        if (c.method() != null) {
            row(sb, "step (2 forwards + update)", String.format(Locale.ROOT, "%.4f s (%.1f tok/s)", run.stepSeconds(),
                    run.trainTokensPerSecond()));
            row(sb, "step / 2 forwards", String.format(Locale.ROOT, "%.3f (1.0 = perturbation and update free)",
                    run.stepOverTwoForwards()));
        }
        if (llama != null) {
            row(sb, "all-position forward vs llama_decode", String.format(Locale.ROOT,
                    "%.4f s vs %.4f s (%.1f vs %.1f tok/s, ratio %.3f)", llama.smezoSeconds(), llama.llamaSeconds(),
                    llama.smezoTokensPerSecond(), llama.llamaTokensPerSecond(), llama.ratio()));
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    private static double round(double v, int digits) {
        if (!Double.isFinite(v)) return v;
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
