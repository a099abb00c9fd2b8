package dev.smezo.train;

import dev.smezo.io.AtomicFile;
import dev.smezo.io.TextFile;
import dev.smezo.json.Json;
import dev.smezo.json.JsonException;
import dev.smezo.model.Weights;
import dev.smezo.zo.StepResult;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trajectory log (trajectory.jsonl): a header line with the run's config and base model, then
 * one line per step: step, lr, skipped, and per direction its seed, g, L+ and L-. With the base
 * model it is enough to rebuild the fine-tuned weights ({@code smezo replay}), since every update is
 * W += -lr/q * g * z(seed) * m. Doubles are written in Java's shortest round-trip form, so g and
 * lr read back bit for bit.
 *
 * <p>Each line is flushed when written. A run killed mid-line leaves a partial last line, which
 * {@link #read} ignores (that step is then simply redone).
 */
public final class Trajectory implements AutoCloseable {
    public static final String FILE = "trajectory.jsonl";

    /** The header, the config it holds (checked when read) and the complete step lines of a trajectory file. */
    public record Log(Map<String, Object> header, TrainConfig config, List<StepResult> steps) {

        /**
         * Updates replayed onto another model than the run's would write noise into it: the base's
         * tensor and parameter counts and its {@link BaseFingerprint} must be the header's (logs
         * written before they were recorded are not checked).
         *
         * @throws IllegalArgumentException naming both files and the counts
         */
        public void requireBase(Weights base, Path baseFile, Path logFile) {
            Object tensors = header.get("base_tensors"), params = header.get("base_parameters");
            if (tensors == null && params == null) return;
            if (!Long.valueOf(base.entries().size()).equals(tensors) || !Long.valueOf(base.totalElements()).equals(params)) {
                throw new IllegalArgumentException(logFile + ": the run was made on " + header.get("base_model") + " ("
                        + tensors + " tensors, " + params + " parameters); " + baseFile + " has " + base.entries().size()
                        + " tensors, " + base.totalElements() + " parameters");
            }
            Object fingerprint = header.get("base_fingerprint");
            if (fingerprint != null && !fingerprint.equals(BaseFingerprint.of(base))) {
                throw new IllegalArgumentException(logFile + ": the run was made on " + header.get("base_model") + "; "
                        + baseFile + " has the same shape but other weights (another fine-tune or model): its updates "
                        + "would not rebuild the run");
            }
        }
    }

    private final Writer out;

    private Trajectory(Writer out) {
        this.out = out;
    }

    /** Starts a new log (replacing any) with its header. */
    public static Trajectory create(Path file, TrainConfig config, String baseModel, Weights base) throws IOException {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("smezo_trajectory", 1L);
        h.put("base_model", baseModel);
        h.put("base_tensors", (long) base.entries().size());
        h.put("base_parameters", base.totalElements());
        h.put("base_fingerprint", BaseFingerprint.of(base));
        h.put("config", config.toMap());
        Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        w.write(Json.write(h) + "\n");
        w.flush();
        return new Trajectory(w);
    }

    /**
     * Continues a log after its last complete step (cutting a partial last line off), its header's
     * config replaced by {@code config} (a resume may change --steps and --eval-every: the log then
     * reads as the run it continues as, and a plain --resume later continues that run).
     */
    public static Trajectory append(Path file, Log log, TrainConfig config) throws IOException {
        List<String> lines = completeLines(file);
        int keep = 1 + log.steps().size();
        Map<String, Object> header = new LinkedHashMap<>();   // create()'s keys in its order, so a resumed log reads as a new one
        for (String k : List.of("smezo_trajectory", "base_model", "base_tensors", "base_parameters", "base_fingerprint")) {
            if (log.header().containsKey(k)) header.put(k, log.header().get(k));
        }
        header.put("config", config.toMap());
        String line;
        try {
            line = Json.write(header);
        } catch (IllegalArgumentException e) {   // a header value JSON cannot write back (1e999 read as Infinity)
            throw new IllegalArgumentException(file + ": line 1: " + e.getMessage(), e);
        }
        StringBuilder sb = new StringBuilder(line).append('\n');
        for (int i = 1; i < keep; i++) sb.append(lines.get(i)).append('\n');
        AtomicFile.writeString(file, sb);
        return new Trajectory(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }

    public void write(StepResult r) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", r.step());
        m.put("lr", r.lr());
        m.put("skipped", r.skipped());
        List<Object> dirs = new ArrayList<>();
        for (StepResult.Direction d : r.directions()) {
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("seed", d.seed());
            dm.put("g", Json.finiteOrNull(d.g()));
            dm.put("loss_plus", Json.finiteOrNull(d.lossPlus()));
            dm.put("loss_minus", Json.finiteOrNull(d.lossMinus()));
            dirs.add(dm);
        }
        m.put("directions", dirs);
        out.write(Json.write(m) + "\n");
        out.flush();
    }

    /** Reads a log; steps must be consecutive from 0. */
    public static Log read(Path file) throws IOException {
        List<String> lines = completeLines(file);
        if (lines.isEmpty()) throw new IllegalArgumentException(file + ": empty trajectory (no header line)");
        Map<String, Object> header = asMap(parse(file, lines.get(0), 1), file, 1);
        if (!header.containsKey("smezo_trajectory") || !(header.get("config") instanceof Map)) {
            throw new IllegalArgumentException(file + ": line 1: not a smezo trajectory header");
        }
        if (!Long.valueOf(1).equals(header.get("smezo_trajectory"))) {
            Object v = header.get("smezo_trajectory");   // any JSON value, Infinity included (1e999): no Json.write
            throw new IllegalArgumentException(file + ": line 1: trajectory format " + (v instanceof String t ? '"' + t + '"' : String.valueOf(v))
                    + " (this smezo reads format 1)");
        }
        TrainConfig config;
        try {
            config = TrainConfig.fromMap((Map<?, ?>) header.get("config"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": line 1: " + e.getMessage(), e);
        }
        List<StepResult> steps = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            Map<String, Object> m = asMap(parse(file, lines.get(i), i + 1), file, i + 1);
            try {
                steps.add(step(m, steps.size()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new Log(header, config, steps);
    }

    /** One step line, checked: replay and resume apply its updates to the weights as they stand. */
    private static StepResult step(Map<String, Object> m, long expected) {
        long step = integer(m.get("step"), "step");
        if (step != expected) throw new IllegalArgumentException("step " + step + " where step " + expected + " was expected");
        if (!(m.get("skipped") instanceof Boolean skipped)) throw new IllegalArgumentException("skipped missing or not true/false");
        double lr = number(m.get("lr"), "lr");
        if (!(lr >= 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("lr " + lr + " (must be finite and >= 0)");
        if (!(m.get("directions") instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("directions missing or empty");
        }
        List<StepResult.Direction> dirs = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> d)) throw new IllegalArgumentException("a direction is not a JSON object");
            double g = d.get("g") == null ? Double.NaN : number(d.get("g"), "g");
            if (!skipped && !Double.isFinite(g)) {
                throw new IllegalArgumentException("g " + d.get("g") + " in a step that was applied (must be finite)");
            }
            dirs.add(new StepResult.Direction(integer(d.get("seed"), "seed"), g, orNaN(d.get("loss_plus"), "loss_plus"),
                    orNaN(d.get("loss_minus"), "loss_minus")));
        }
        return new StepResult(step, dirs, lr, skipped);
    }

    private static long integer(Object o, String key) {
        if (!(o instanceof Long v)) throw new IllegalArgumentException(key + " " + o + " (must be an integer)");
        return v;
    }

    private static double number(Object o, String key) {
        if (!(o instanceof Number v)) throw new IllegalArgumentException(key + " " + o + " (must be a number)");
        return v.doubleValue();
    }

    private static double orNaN(Object o, String key) {
        return o == null ? Double.NaN : number(o, key);
    }

    private static Object parse(Path file, String line, int n) {
        try {
            return Json.parse(line);
        } catch (JsonException e) {
            throw new IllegalArgumentException(file + ": line " + n + ": invalid JSON at column " + e.column() + ": " + e.reason(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o, Path file, int line) {
        if (!(o instanceof Map)) throw new IllegalArgumentException(file + ": line " + line + ": not a JSON object");
        return (Map<String, Object>) o;
    }

    /** Lines ended by a newline (a partial last line is dropped). */
    private static List<String> completeLines(Path file) throws IOException {
        String s = TextFile.read(file);
        int end = s.lastIndexOf('\n');
        if (end < 0) return List.of();
        return List.of(s.substring(0, end).split("\n", -1));
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
