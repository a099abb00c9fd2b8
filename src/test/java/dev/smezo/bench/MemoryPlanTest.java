package dev.smezo.bench;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.cli.CliRunner;
import dev.smezo.forward.BackendWeights;
import dev.smezo.forward.Forward;
import dev.smezo.forward.ForwardShape;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.gguf.GgmlType;
import dev.smezo.json.Json;
import dev.smezo.model.Model;
import dev.smezo.model.ModelShape;
import dev.smezo.model.Synth;
import dev.smezo.model.Weights;
import dev.smezo.perturb.Method;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.perturb.Trainables;
import dev.smezo.testing.TestModels;
import dev.smezo.train.Footprint;
import dev.smezo.train.Memory;
import dev.smezo.train.MemoryPlan;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code smezo info}'s prediction (built without running) against the graph a run really uses,
 * and {@code smezo bench --json} on a tiny synthetic model. No timing assertions.
 */
@Tag("native")
class MemoryPlanTest {
    @TempDir
    static Path dir;

    @Test
    void predictedComputeBufferIsTheRealTrainingGraphs() throws Exception {
        Path path = TestModels.synth(dir, "tiny", 2, GgmlType.F32, false, 3);
        ForwardShape shape = new ForwardShape(3, 24, 12);
        try (Model m = Model.open(path)) {
            MemoryPlan plan = MemoryPlan.of(m, Files.size(path), shape, Method.SMEZO, 50L << 20);
            long plain, trained, largest = 0;
            try (Arena arena = Arena.ofShared();
                 CpuBackend backend = new CpuBackend(2);
                 BackendWeights w = new BackendWeights(m.weights())) {
                try (Forward f = new Forward(m.config(), w.plain(), backend, shape)) {
                    plain = f.computeBytes();
                }
                Trainables t = Trainables.select(m.weights(), Trainables.Selection.MATRICES, Method.SMEZO, 0.8, 1, 2, arena);
                try (PerturbedModel pm = new PerturbedModel(m.config(), w, t, backend)) {
                    pm.forward(shape);
                    trained = pm.computeBytes();
                }
                for (Trainables.Trained tr : t.trained()) largest = Math.max(largest, tr.entry().bytes());
            }
            assertEquals(trained, plan.computeBytes(), "prediction = the S-MeZO graph's reserved buffer");
            assertTrue(trained > plain, "the training graph holds perturbed-weight scratch");
            // Each perturbed weight's scratch lives only around its product: the buffer never holds
            // all of them at once (it did when ggml scheduled every perturbation at the graph's start).
            long all = m.weights().entries().stream().filter(e -> e.dims() == 2).mapToLong(Weights.Entry::bytes).sum();
            assertTrue(trained < plain + 2 * largest, trained + " >= " + plain + " + 2 x " + largest + " (all: " + all + ")");
            assertEquals(Files.size(path) + plan.computeBytes() + plan.hostBytes() + plan.runtimeBytes() + plan.workBytes(), plan.total());
            assertEquals((50L << 20) + Footprint.RUNTIME_GROWTH_BYTES, plan.runtimeBytes());
            assertEquals(4L * 72 * 2 + 4L * 24 * 24 * 3 + 4L * 12 + 4L * 12 * m.config().nVocab(), plan.hostBytes());
        }
    }

    @Test
    void benchJsonIsSane() throws Exception {
        Path path = TestModels.synth(dir, "tiny", 2, GgmlType.F16, false, 4);
        CliRunner.Result r = CliRunner.run("bench", path.toString(), "--batch", "2", "--seq", "16", "--scored", "3",
                "--runs", "1", "--steps", "1", "--warmup", "0", "-t", "2", "--device", "cpu", "--json");
        assertEquals(0, r.exitCode(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) Json.parse(r.out().strip());
        assertEquals("smezo", j.get("method"));
        assertEquals(2L, j.get("batch"));
        assertEquals(16L, j.get("seq"));
        assertEquals(6L, j.get("scored_positions"));
        assertEquals(Files.size(path), j.get("file_bytes"));
        long compute = (Long) j.get("compute_buffer_bytes");
        assertEquals(compute, j.get("predicted_compute_buffer_bytes"));
        assertTrue(compute > (Long) j.get("plain_compute_buffer_bytes"));
        long baseline = (Long) j.get("baseline_rss_bytes"), peak = (Long) j.get("peak_rss_bytes");
        assertTrue(baseline > 0 && peak >= baseline, baseline + " " + peak);
        assertEquals(peak - baseline, j.get("peak_minus_baseline_bytes"));
        assertEquals((Long) j.get("file_bytes") + compute + (Long) j.get("predicted_host_bytes")
                + (Long) j.get("predicted_runtime_bytes") + (Long) j.get("predicted_work_bytes"), j.get("predicted_peak_rss_bytes"));
        for (String k : new String[] {"forward_s", "step_s", "step_over_two_forwards", "forward_tokens_per_s",
                "train_tokens_per_s", "loss"}) {
            double v = ((Number) j.get(k)).doubleValue();
            assertTrue(Double.isFinite(v) && v > 0, k + " = " + v);
        }
        assertTrue((Long) j.get("trained_elements") > 0);
        assertFalse(j.containsKey("llama_decode_s"));
    }

    /**
     * --shape builds in memory the model synth writes: the same loss on the same batch, the same
     * compute buffer, and a prediction with the weights resident in place of a file.
     */
    @Test
    void benchOfAShapeRunsTheModelSynthWrites() throws Exception {
        Path path = TestModels.synth(dir, "tiny", 2, GgmlType.F16, false, 4);
        String[] common = {"--batch", "2", "--seq", "16", "--scored", "3", "--runs", "1", "--steps", "1", "--warmup", "0",
                "-t", "2", "--json", "--device", "cpu"};
        Map<String, Object> file = json(CliRunner.run(concat(new String[] {"bench", path.toString()}, common)));
        Map<String, Object> mem = json(CliRunner.run(concat(new String[] {"bench", "--shape", "tiny", "--layers", "2",
                "--type", "f16", "--seed", "4"}, common)));
        assertEquals("synth:tiny:2l:f16", mem.get("model"));
        assertEquals("cpu, 2 threads", mem.get("device"));
        assertEquals(file.get("loss"), mem.get("loss"), "same weights, same batch, same loss");
        assertEquals(file.get("compute_buffer_bytes"), mem.get("compute_buffer_bytes"));
        assertEquals(file.get("weights_bytes"), mem.get("weights_bytes"));
        assertEquals(0L, mem.get("file_bytes"));
        assertEquals((Long) mem.get("weights_bytes") + (Long) mem.get("compute_buffer_bytes")
                + (Long) mem.get("predicted_host_bytes") + (Long) mem.get("predicted_runtime_bytes") + (Long) mem.get("predicted_work_bytes"),
                mem.get("predicted_peak_rss_bytes"));
        assertFalse(mem.containsKey("device_used_bytes"), "no device memory on the CPU");
    }

    @Test
    void benchNeedsExactlyOneModel() throws Exception {
        Path path = TestModels.synth(dir, "tiny", 2, GgmlType.F16, false, 4);
        CliRunner.Result neither = CliRunner.run("bench", "--steps", "1");
        assertEquals(2, neither.exitCode(), neither.err());
        assertTrue(neither.err().contains("exactly one of MODEL or --shape"), neither.err());
        CliRunner.Result both = CliRunner.run("bench", path.toString(), "--shape", "tiny");
        assertEquals(2, both.exitCode(), both.err());
        CliRunner.Result typeWithFile = CliRunner.run("bench", path.toString(), "--type", "f16");
        assertEquals(2, typeWithFile.exitCode(), typeWithFile.err());
        assertTrue(typeWithFile.err().contains("describe a --shape"), typeWithFile.err());
        CliRunner.Result llama = CliRunner.run("bench", "--shape", "tiny", "--llama");
        assertEquals(2, llama.exitCode(), llama.err());
        assertTrue(llama.err().contains("--llama needs a MODEL file"), llama.err());
        CliRunner.Result unknown = CliRunner.run("bench", "--shape", "llama-31b");
        assertEquals(3, unknown.exitCode(), unknown.err());
        assertTrue(unknown.err().contains("unknown shape 'llama-31b'"), unknown.err());
    }

    /** A shape-only model (no values, reserved memory) gives the file's plan, and costs no memory. */
    @Test
    void shapeOnlyModelsArePlannedWithoutTheirWeights() throws Exception {
        Path path = TestModels.synth(dir, "tiny", 2, GgmlType.F16, false, 4);
        ForwardShape shape = new ForwardShape(3, 24, 12);
        try (Model file = Model.open(path);
             Model bare = Model.shapeOnly(new Synth(ModelShape.named("tiny").withLayers(2), GgmlType.F16, false, 4))) {
            MemoryPlan a = MemoryPlan.of(file, Files.size(path), shape, Method.SMEZO, 0);
            MemoryPlan b = MemoryPlan.of(bare, 0, shape, Method.SMEZO, 0);
            assertEquals(a.computeBytes(), b.computeBytes());
            assertEquals(a.weightsBytes(), b.weightsBytes());
            assertEquals(a.total() - a.fileBytes() + a.weightsBytes(), b.total(), "weights resident in place of the file");
        }
        // The LLaMA-7B shape in F16 (13.5 GB) planned at 16 x 128 leaves the resident memory where it was.
        long before = Memory.rss();
        try (Model bare = Model.shapeOnly(new Synth(ModelShape.named("llama-7b"), GgmlType.F16, false, 1))) {
            MemoryPlan p = MemoryPlan.of(bare, 0, new ForwardShape(16, 128, 64), Method.SMEZO, 0);
            long grew = Memory.rss() - before;
            System.out.printf("llama-7b f16 shape only: weights %d MiB, compute %d MiB, RSS grew %d MiB%n",
                    p.weightsBytes() >> 20, p.computeBytes() >> 20, grew >> 20);
            assertTrue(p.weightsBytes() > 13_000_000_000L);
            assertTrue(grew < 512L << 20, "RSS grew by " + (grew >> 20) + " MiB");
        }
        CliRunner.Result r = CliRunner.run("info", "--shape", "tiny", "--layers", "2", "--type", "f16", "--batch", "3",
                "--seq", "24", "--outputs", "12", "--no-tensors");
        assertEquals(0, r.exitCode(), r.err());
        CliRunner.Result f = CliRunner.run("info", path.toString(), "--batch", "3", "--seq", "24", "--outputs", "12", "--no-tensors");
        String computeLine = "(?s).*(compute buffer +[0-9.,]+ MiB).*";
        assertEquals(f.out().replaceAll(computeLine, "$1"), r.out().replaceAll(computeLine, "$1"));
        assertTrue(r.out().contains("synth:tiny:2l:f16 (shape only: no values built)"), r.out());
    }

    @Test
    void benchWithoutCudaFailsBeforeBuildingTheModel() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.smezo.ggml.CudaBackend.deviceCount() == 0,
                "skipped: this build has CUDA and a device");
        CliRunner.Result r = CliRunner.run("bench", "--shape", "tiny", "--device", "cuda");
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("--device cuda: "), r.err());
        assertFalse(r.err().contains("synthesizing"), "the device is checked first: " + r.err());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(CliRunner.Result r) {
        assertEquals(0, r.exitCode(), r.err());
        return (Map<String, Object>) Json.parse(r.out().strip());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void infoPrintsThePrediction() throws Exception {
        Path path = TestModels.synth(dir, "tiny", 2, GgmlType.F32, false, 3);
        CliRunner.Result r = CliRunner.run("info", path.toString(), "--batch", "3", "--seq", "24", "--no-tensors");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("predicted peak RSS"), r.out());
        assertTrue(r.out().matches("(?s).*compute buffer +[0-9.,]+ MiB \\(training graph.*"), r.out());
        assertTrue(r.out().matches("(?s).*total +[0-9.,]+ MiB.*"), r.out());
    }
}
