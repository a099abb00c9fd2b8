package dev.smezo.train;

import dev.smezo.perturb.Method;
import dev.smezo.perturb.ScaleMode;
import dev.smezo.perturb.Trainables;
import dev.smezo.zo.Schedule;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Everything a run depends on besides the base model and the data: with the same config and the
 * same inputs, a run is reproduced bit for bit. Written as config.json into the run directory and
 * into the trajectory's header, so a resume and a replay use exactly what the run used.
 *
 * <p>Defaults follow PROTOCOL.md (MeZO's, which S-MeZO adopts): batch 16, eps 1e-3, 20,000 steps,
 * constant lr, no weight decay, dev checked every 1/5 of training; sparsity 0.8 (S-MeZO's best on
 * most tasks). The paper's lr grid for S-MeZO is unpublished; 1e-6 is MeZO's for LLaMA-7B.
 */
public record TrainConfig(
        String task,
        Method method,
        double sparsity,
        double lr,
        double eps,
        double weightDecay,
        int directions,
        Schedule schedule,
        int batch,
        long steps,
        long evalEvery,
        long seed,
        int maxLength,
        int nTrain,
        int nDev,
        int nTest,
        boolean trainNorms,
        String only,
        String exclude,
        long refreshEvery,
        String bestBy,
        ScaleMode scaleMode,
        double scaleGain,
        double clipG,
        Jsonl jsonl,
        int microBatch) {

    /**
     * Training from JSONL files instead of a task: chat, prompt/completion or text records
     * ({@code dev.smezo.data.DataFormat}).
     *
     * @param train         the training file
     * @param dev           the dev file; null: dev records are held out of the training file
     * @param chatTemplate  null (the GGUF's), a llama.cpp built-in name or a Jinja file
     * @param trainOnPrompt the loss covers every token, not just the answers
     */
    public record Jsonl(String train, String dev, String chatTemplate, boolean trainOnPrompt) {
        public Jsonl {
            Objects.requireNonNull(train, "train");
        }
    }

    /** A run with the default scale settings of quantized tensors and no clipping of g. */
    public TrainConfig(String task, Method method, double sparsity, double lr, double eps, double weightDecay,
                       int directions, Schedule schedule, int batch, long steps, long evalEvery, long seed, int maxLength,
                       int nTrain, int nDev, int nTest, boolean trainNorms, String only, String exclude, long refreshEvery,
                       String bestBy) {
        this(task, method, sparsity, lr, eps, weightDecay, directions, schedule, batch, steps, evalEvery, seed, maxLength,
                nTrain, nDev, nTest, trainNorms, only, exclude, refreshEvery, bestBy, Trainables.Scales.DEFAULT.mode(),
                Trainables.Scales.DEFAULT.gain(), 0);
    }

    /** A task run (no data files), one forward per step. */
    public TrainConfig(String task, Method method, double sparsity, double lr, double eps, double weightDecay,
                       int directions, Schedule schedule, int batch, long steps, long evalEvery, long seed, int maxLength,
                       int nTrain, int nDev, int nTest, boolean trainNorms, String only, String exclude, long refreshEvery,
                       String bestBy, ScaleMode scaleMode, double scaleGain, double clipG) {
        this(task, method, sparsity, lr, eps, weightDecay, directions, schedule, batch, steps, evalEvery, seed, maxLength,
                nTrain, nDev, nTest, trainNorms, only, exclude, refreshEvery, bestBy, scaleMode, scaleGain, clipG, null, 0);
    }

    public TrainConfig {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(method, "method");
        if (!(sparsity >= 0 && sparsity < 1)) throw new IllegalArgumentException("--sparsity must be in [0, 1): " + sparsity);
        if (!(lr >= 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("--lr must be finite and >= 0: " + lr);
        if (!(eps > 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("--eps must be finite and > 0: " + eps);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("--weight-decay must be >= 0: " + weightDecay);
        }
        if (nTrain < 0) throw new IllegalArgumentException("--n-train must be >= 0: " + nTrain);
        if (nDev < 0) throw new IllegalArgumentException("--n-dev must be >= 0: " + nDev);
        if (nTest < 0) throw new IllegalArgumentException("--n-test must be >= 0: " + nTest);
        if (refreshEvery < 0) throw new IllegalArgumentException("--refresh-every must be >= 0 (0: never): " + refreshEvery);
        requireRegex("--only", only);
        requireRegex("--exclude", exclude);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1: " + batch);
        if (steps < 0) throw new IllegalArgumentException("--steps must be >= 0: " + steps);
        if (evalEvery < 1) throw new IllegalArgumentException("--eval-every must be >= 1: " + evalEvery);
        if (maxLength < 4) throw new IllegalArgumentException("--max-length must be >= 4: " + maxLength);
        if (directions < 1) throw new IllegalArgumentException("--directions must be >= 1: " + directions);
        if (!bestBy.equals("loss") && !bestBy.equals("accuracy")) {
            throw new IllegalArgumentException("--best-by must be loss or accuracy: " + bestBy);
        }
        Objects.requireNonNull(scaleMode, "scaleMode");
        new Trainables.Scales(scaleMode, (float) scaleGain);   // checks the gain (fields are not set yet here)
        if (!(clipG >= 0) || !Double.isFinite(clipG)) throw new IllegalArgumentException("--clip-g must be finite and >= 0 (0: none): " + clipG);
        if (microBatch < 0) throw new IllegalArgumentException("--micro-batch must be >= 1: " + microBatch);
        if (microBatch > batch) throw new IllegalArgumentException("--micro-batch " + microBatch + " is more than --batch " + batch);
        if (jsonl != null && bestBy.equals("accuracy")) {
            throw new IllegalArgumentException("--best-by accuracy: JSONL data has no accuracy; the best checkpoint is by dev loss");
        }
        if (microBatch > 0 && jsonl == null) {
            throw new IllegalArgumentException("--micro-batch applies to --data FILE.jsonl runs (task batches run as one forward)");
        }
    }

    /** Sequences per forward: the micro-batch, or the whole batch. */
    public int sequencesPerForward() {
        return microBatch > 0 ? microBatch : batch;
    }

    /** How quantized tensors' scales are perturbed. */
    public Trainables.Scales scales() {
        return new Trainables.Scales(scaleMode, (float) scaleGain);
    }

    /** R-MeZO's fixed keep-mask seed, derived from the run seed. */
    public long maskSeed() {
        return seed ^ 0x6d61736bL;
    }

    /** Does step s start with an S-MeZO threshold refresh? */
    public boolean refreshesAt(long step) {
        return refreshEvery > 0 && step > 0 && step % refreshEvery == 0;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("method", method.cliName());
        m.put("sparsity", sparsity);
        m.put("lr", lr);
        m.put("eps", eps);
        m.put("weight_decay", weightDecay);
        m.put("directions", (long) directions);
        m.put("schedule", schedule.name().toLowerCase());
        m.put("batch", (long) batch);
        m.put("steps", steps);
        m.put("eval_every", evalEvery);
        m.put("seed", seed);
        m.put("max_length", (long) maxLength);
        m.put("n_train", (long) nTrain);
        m.put("n_dev", (long) nDev);
        m.put("n_test", (long) nTest);
        m.put("train_norms", trainNorms);
        m.put("only", only);
        m.put("exclude", exclude);
        m.put("refresh_every", refreshEvery);
        m.put("best_by", bestBy);
        m.put("scale_mode", scaleMode.name().toLowerCase(Locale.ROOT));
        m.put("scale_gain", scaleGain);
        m.put("clip_g", clipG);
        if (jsonl != null) {
            m.put("data", jsonl.train());
            m.put("dev_data", jsonl.dev());
            m.put("chat_template", jsonl.chatTemplate());
            m.put("train_on_prompt", jsonl.trainOnPrompt());
            m.put("micro_batch", (long) microBatch);
        }
        return m;
    }

    /**
     * The config a run's files hold (config.json, the trajectory's header).
     *
     * @throws IllegalArgumentException naming the key that is missing, of the wrong type or out of range
     */
    public static TrainConfig fromMap(Map<?, ?> m) {
        return new TrainConfig(
                str(m, "task", false),
                method(str(m, "method", false)),
                num(m, "sparsity"), num(m, "lr"), num(m, "eps"), num(m, "weight_decay"),
                integer(m, "directions"),
                enumValue(Schedule.class, str(m, "schedule", false), "schedule"),
                integer(m, "batch"), lng(m, "steps"), lng(m, "eval_every"), lng(m, "seed"),
                integer(m, "max_length"), integer(m, "n_train"), integer(m, "n_dev"), integer(m, "n_test"),
                bool(m, "train_norms"), str(m, "only", true), str(m, "exclude", true),
                lng(m, "refresh_every"), str(m, "best_by", false),
                // runs written before quantized training have none of these: their defaults
                m.get("scale_mode") == null ? Trainables.Scales.DEFAULT.mode()
                        : enumValue(ScaleMode.class, str(m, "scale_mode", false), "scale_mode"),
                m.get("scale_gain") == null ? Trainables.Scales.DEFAULT.gain() : num(m, "scale_gain"),
                m.get("clip_g") == null ? 0 : num(m, "clip_g"),
                m.get("data") == null ? null : new Jsonl(str(m, "data", false), str(m, "dev_data", true),
                        str(m, "chat_template", true), bool(m, "train_on_prompt")),
                m.get("data") == null ? 0 : integer(m, "micro_batch"));
    }

    private static void requireRegex(String option, String regex) {
        if (regex == null) return;
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(option + " '" + regex + "' is not a regular expression: " + e.getDescription());
        }
    }

    private static Method method(String name) {
        Method method = Method.parse(name);
        if (method == null) throw new IllegalArgumentException("config: method '" + name + "' is not one of " + Method.choices());
        return method;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String name, String key) {
        try {
            return Enum.valueOf(type, name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config: " + key + " '" + name + "' is not one of "
                    + Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
        }
    }

    private static String str(Map<?, ?> m, String k, boolean nullable) {
        Object v = m.get(k);
        if (v instanceof String x) return x;
        if (v == null && nullable) return null;
        throw new IllegalArgumentException("config: " + k + " missing or not a string");
    }

    private static boolean bool(Map<?, ?> m, String k) {
        if (!(m.get(k) instanceof Boolean b)) throw new IllegalArgumentException("config: " + k + " missing or not true/false");
        return b;
    }

    private static double num(Map<?, ?> m, String k) {
        Object v = m.get(k);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("config: " + k + " missing or not a number");
        return n.doubleValue();
    }

    private static long lng(Map<?, ?> m, String k) {
        if (!(m.get(k) instanceof Long n)) throw new IllegalArgumentException("config: " + k + " missing or not an integer");
        return n;
    }

    private static int integer(Map<?, ?> m, String k) {
        long v = lng(m, k);
        if (v != (int) v) throw new IllegalArgumentException("config: " + k + " out of range: " + v);
        return (int) v;
    }

    /**
     * Whether a run made with {@code saved} may continue as this one: everything equal but --steps and
     * --eval-every (neither changes an update).
     */
    public boolean continues(TrainConfig saved) {
        return saved.withSteps(steps).withEvalEvery(evalEvery).equals(this);
    }

    /** The run name of a --data file: its file name without .jsonl. */
    public static String nameOf(java.nio.file.Path dataFile) {
        return dataFile.getFileName().toString().replaceFirst("\\.jsonl?$", "");
    }

    /** The same run evaluated every {@code e} steps (evaluations change no weight: a resume may change it). */
    public TrainConfig withEvalEvery(long e) {
        return new TrainConfig(task, method, sparsity, lr, eps, weightDecay, directions, schedule, batch, steps, e,
                seed, maxLength, nTrain, nDev, nTest, trainNorms, only, exclude, refreshEvery, bestBy, scaleMode, scaleGain,
                clipG, jsonl, microBatch);
    }

    /** The same run with another step budget (a resume may extend a run; everything else must match). */
    public TrainConfig withSteps(long s) {
        return new TrainConfig(task, method, sparsity, lr, eps, weightDecay, directions, schedule, batch, s, evalEvery,
                seed, maxLength, nTrain, nDev, nTest, trainNorms, only, exclude, refreshEvery, bestBy, scaleMode, scaleGain,
                clipG, jsonl, microBatch);
    }
}
