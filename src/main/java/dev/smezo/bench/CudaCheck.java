package dev.smezo.bench;

import dev.smezo.forward.Batch;
import dev.smezo.forward.BackendWeights;
import dev.smezo.forward.ForwardShape;
import dev.smezo.forward.LogProbs;
import dev.smezo.ggml.ComputeBuffer;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.ggml.CudaBackend;
import dev.smezo.ggml.DeviceWeights;
import dev.smezo.ggml.GraphBuilder;
import dev.smezo.ggml.Tensor;
import dev.smezo.gguf.GgmlType;
import dev.smezo.model.ModelConfig;
import dev.smezo.model.ModelShape;
import dev.smezo.model.Synth;
import dev.smezo.model.Weights;
import dev.smezo.perturb.Method;
import dev.smezo.perturb.NativeKernels;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.perturb.Trainables;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Java layer on a CUDA device against the CPU, before the trainer drives CUDA (issue 6): the
 * perturbation op through ggml-cuda bit for bit, forward logits GPU vs CPU, and N S-MeZO steps on
 * both (losses, then the weights), with the same {@link PerturbedModel} the trainer uses, over
 * {@link DeviceWeights} on a {@link CudaBackend}.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -Dsmezo.native.dir=DIR -cp smezo.jar
 * dev.smezo.bench.CudaCheck [--shape tiny] [--layers N] [--vocab N] [--type f16] [--steps 20]
 * [--seqs 2] [--len 64] [--threads 16]}. Prints "key value" lines and "N passed, N failed".
 */
public final class CudaCheck {
    private static int passed, failed;

    private CudaCheck() {}

    private static void check(boolean ok, String what) {
        if (ok) passed++;
        else {
            failed++;
            System.out.println("FAILED: " + what);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("--shape", "tiny", "--type", "f16", "--steps", "20", "--seqs", "2",
                "--len", "64", "--threads", String.valueOf(Runtime.getRuntime().availableProcessors()), "--sparsity", "0.8"));
        for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i], args[i + 1]);
        ModelShape shape = ModelShape.named(o.get("--shape"));
        if (o.containsKey("--layers")) shape = shape.withLayers(Integer.parseInt(o.get("--layers")));
        if (o.containsKey("--vocab")) shape = shape.withVocab(Integer.parseInt(o.get("--vocab")));
        GgmlType type = GgmlType.valueOf(o.get("--type").toUpperCase(Locale.ROOT));
        int steps = Integer.parseInt(o.get("--steps")), threads = Integer.parseInt(o.get("--threads"));
        int seqs = Integer.parseInt(o.get("--seqs")), len = Integer.parseInt(o.get("--len"));

        System.out.println("cuda_libraries " + CudaBackend.librariesPresent());
        System.out.println("cuda_devices " + CudaBackend.deviceCount());
        if (CudaBackend.deviceCount() == 0) {
            System.out.println("0 passed, 1 failed (no CUDA device)");
            System.exit(2);
        }
        try (Arena arena = Arena.ofShared(); CudaBackend gpu = new CudaBackend(0); CpuBackend cpu = new CpuBackend(threads)) {
            System.out.println("device " + gpu.description());
            Synth synth = new Synth(shape, type, false, 42);
            Weights wc = Weights.allocate(synth.tensors(), arena);
            synth.fill(wc);
            Weights wg = Weights.allocate(synth.tensors(), arena);
            MemorySegment.copy(wc.memory(), 0, wg.memory(), 0, wc.memory().byteSize());
            ModelConfig config = synth.config();
            Trainables tr = Trainables.select(wc, Trainables.Selection.MATRICES, Method.SMEZO,
                    Double.parseDouble(o.get("--sparsity")), 7, threads, arena);
            System.out.println("model " + shape.name() + " layers " + shape.nLayer() + " type " + type + " trained "
                    + tr.trained().size());
            try (BackendWeights bc = new BackendWeights(wc);
                 DeviceWeights dg = new DeviceWeights(wg, gpu.bufferType());
                 PerturbedModel cpuModel = new PerturbedModel(config, bc, tr, cpu)) {
                System.out.println("device_weights_bytes " + dg.deviceBytes());
                opChecks(gpu, dg, wc, tr, arena);
                ForwardShape fs = new ForwardShape(seqs, len, seqs * len);
                SplittableRandom r = new SplittableRandom(3);
                int[][] tokens = new int[seqs][len];
                for (int[] s : tokens) for (int p = 0; p < len; p++) s[p] = 3 + r.nextInt(config.nVocab() - 3);
                Batch batch = Batch.allPositions(tokens);
                int[] targets = new int[batch.outputs()];
                for (int i = 0; i < targets.length; i++) targets[i] = tokens[i / len][(i + 1) % len];
                try (PerturbedModel gpuModel = new PerturbedModel(config, dg, tr, gpu)) {
                    forwardChecks(cpuModel, gpuModel, batch, fs, config.nVocab());
                    trainChecks(cpuModel, gpuModel, batch, fs, targets, config.nVocab(), steps, dg, wc, tr);
                    System.out.println("compute_buffer_bytes " + gpuModel.computeBytes());
                    System.out.println("device_used_bytes " + gpu.memory().used());
                }
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    /** Each trained tensor through smezo_op_perturb on the GPU == NativeKernels.perturb on the host. */
    private static void opChecks(CudaBackend gpu, DeviceWeights dg, Weights host, Trainables tr, Arena arena) {
        for (Trainables.Trained t : tr.trained()) {
            Weights.Entry e = t.entry();
            try (GraphBuilder g = new GraphBuilder(8, 8)) {
                Tensor params = g.input("p", GgmlType.I32, 8);
                Tensor w = dg.tensor(e.name());
                Tensor out = g.output(g.custom(w.type(), w.shape(), new Tensor[] {w, params, params}, NativeKernels.perturbOp(), t.cfg()));
                MemorySegment graph = g.graph(out);
                try (ComputeBuffer cb = new ComputeBuffer(gpu.bufferType())) {
                    cb.reserve(graph);
                    cb.allocate(graph);
                    MemorySegment p = arena.allocate(NativeKernels.PARAMS_BYTES, 16);
                    NativeKernels.writeParams(p, 0xC0FFEE + e.id(), 1e-3f, 0f);
                    params.set(p, 0);
                    gpu.compute(graph);
                    MemorySegment got = arena.allocate(e.bytes(), 64), want = arena.allocate(e.bytes(), 64);
                    out.get(got, 0);
                    NativeKernels.perturb(host.data(e), want, t.type(), 0, e.elements(), t.cfg(), 0xC0FFEE + e.id(), 1e-3f);
                    check(got.mismatch(want) == -1, "perturb op on the GPU == CPU kernel for " + e.name());
                }
            }
        }
        System.out.println("op_checks " + tr.trained().size());
    }

    private static void forwardChecks(PerturbedModel cpu, PerturbedModel gpu, Batch b, ForwardShape fs, int nVocab) {
        for (float c : new float[] {0f, 1e-3f, -1e-3f}) {
            float[] a = copy(cpu.logits(b, fs, 99, c), b.outputs() * nVocab);
            float[] g = copy(gpu.logits(b, fs, 99, c), b.outputs() * nVocab);
            double maxAbs = 0, maxDiff = 0;
            int argmaxAgree = 0;
            for (int i = 0; i < a.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(a[i]));
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - g[i]));
            }
            for (int row = 0; row < b.outputs(); row++) argmaxAgree += argmax(a, row, nVocab) == argmax(g, row, nVocab) ? 1 : 0;
            double rel = maxDiff / Math.max(maxAbs, 1e-30);
            System.out.printf(Locale.ROOT, "forward c=%g max_abs_diff %.3g max_abs %.3g rel %.3g argmax_agree %d/%d%n",
                    c, maxDiff, maxAbs, rel, argmaxAgree, b.outputs());
            check(rel < 1e-2, "forward logits GPU vs CPU (c=" + c + "): relative max difference " + rel);
        }
    }

    private static void trainChecks(PerturbedModel cpu, PerturbedModel gpu, Batch b, ForwardShape fs, int[] targets, int nVocab,
                                    int steps, DeviceWeights dg, Weights wc, Trainables tr) {
        final float eps = 1e-3f, lr = 1e-4f;
        double worst = 0;
        long gpuMs = 0, cpuMs = 0;
        for (int s = 0; s < steps; s++) {
            long seed = 1000 + s;
            long t0 = System.nanoTime();
            double cp = loss(copy(cpu.logits(b, fs, seed, eps), b.outputs() * nVocab), targets, nVocab);
            double cm = loss(copy(cpu.logits(b, fs, seed, -eps), b.outputs() * nVocab), targets, nVocab);
            float cg = (float) ((cp - cm) / (2 * eps));
            cpu.update(seed, -lr * cg, 0f);
            long t1 = System.nanoTime();
            double gp = loss(copy(gpu.logits(b, fs, seed, eps), b.outputs() * nVocab), targets, nVocab);
            double gm = loss(copy(gpu.logits(b, fs, seed, -eps), b.outputs() * nVocab), targets, nVocab);
            float gg = (float) ((gp - gm) / (2 * eps));
            gpu.update(seed, -lr * gg, 0f);
            long t2 = System.nanoTime();
            cpuMs += (t1 - t0) / 1_000_000;
            gpuMs += (t2 - t1) / 1_000_000;
            worst = Math.max(worst, Math.abs(cp - gp) / Math.abs(cp));
            System.out.printf(Locale.ROOT, "step %d cpu L+ %.6f L- %.6f g %.5g | gpu L+ %.6f L- %.6f g %.5g%n",
                    s, cp, cm, cg, gp, gm, gg);
        }
        System.out.printf(Locale.ROOT, "train_loss_max_rel_diff %.3g%ntrain_cpu_ms %d%ntrain_gpu_ms %d%n", worst, cpuMs, gpuMs);
        check(worst < 1e-3, "losses over " + steps + " steps GPU vs CPU: relative max difference " + worst);
        // The weights after the steps: identical where both sides computed the same g (the update is bit-exact).
        dg.download();
        long differ = 0, total = 0;
        for (Trainables.Trained t : tr.trained()) {
            Weights.Entry e = t.entry();
            MemorySegment a = wc.data(e), g = dg.weights().data(dg.weights().get(e.name()));
            for (long i = 0; i < e.bytes(); i += t.type().bytes) {
                total++;
                if (t.type().bytes == 2 ? a.get(ValueLayout.JAVA_SHORT_UNALIGNED, i) != g.get(ValueLayout.JAVA_SHORT_UNALIGNED, i)
                        : a.get(ValueLayout.JAVA_INT_UNALIGNED, i) != g.get(ValueLayout.JAVA_INT_UNALIGNED, i)) differ++;
            }
        }
        System.out.println("weights_differing_after_steps " + differ + " of " + total);
    }

    private static float[] copy(MemorySegment logits, int n) {
        float[] out = new float[n];
        MemorySegment.copy(logits, ValueLayout.JAVA_FLOAT, 0, out, 0, n);
        return out;
    }

    private static int argmax(float[] a, int row, int n) {
        int best = 0;
        for (int v = 1; v < n; v++) if (a[row * n + v] > a[row * n + best]) best = v;
        return best;
    }

    private static double loss(float[] logits, int[] targets, int n) {
        double total = 0;
        for (int row = 0; row < targets.length; row++) total -= LogProbs.of(logits, row, n, targets[row]);
        return total / targets.length;
    }
}
