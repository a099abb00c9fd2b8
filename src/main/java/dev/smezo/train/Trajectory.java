package dev.smezo.train;

import dev.smezo.json.Json;
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

    /** The header and the complete step lines of a trajectory file. */
    public record Log(Map<String, Object> header, List<StepResult> steps) {
        public TrainConfig config() {
            return TrainConfig.fromMap((Map<?, ?>) header.get("config"));
        }
    }

    private final Writer out;

    private Trajectory(Writer out) {
        this.out = out;
    }

    /** Starts a new log (replacing any) with its header. */
    public static Trajectory create(Path file, TrainConfig config, String baseModel) throws IOException {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("smezo_trajectory", 1L);
        h.put("base_model", baseModel);
        h.put("config", config.toMap());
        Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        w.write(Json.write(h) + "\n");
        w.flush();
        return new Trajectory(w);
    }

    /** Continues a log after its last complete step (cutting a partial last line off). */
    public static Trajectory append(Path file, Log log) throws IOException {
        List<String> lines = completeLines(file);
        int keep = 1 + log.steps().size();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keep; i++) sb.append(lines.get(i)).append('\n');
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
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
            dm.put("g", finiteOrNull(d.g()));
            dm.put("loss_plus", finiteOrNull(d.lossPlus()));
            dm.put("loss_minus", finiteOrNull(d.lossMinus()));
            dirs.add(dm);
        }
        m.put("directions", dirs);
        out.write(Json.write(m) + "\n");
        out.flush();
    }

    static Object finiteOrNull(double d) {
        return Double.isFinite(d) ? (Object) d : null;
    }

    /** Reads a log; steps must be consecutive from 0. */
    public static Log read(Path file) throws IOException {
        List<String> lines = completeLines(file);
        if (lines.isEmpty()) throw new IllegalArgumentException(file + ": empty trajectory (no header line)");
        Map<String, Object> header = asMap(parse(file, lines.get(0), 1));
        if (!header.containsKey("smezo_trajectory") || !(header.get("config") instanceof Map)) {
            throw new IllegalArgumentException(file + ": line 1: not a smezo trajectory header");
        }
        List<StepResult> steps = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            Map<String, Object> m = asMap(parse(file, lines.get(i), i + 1));
            try {
                long step = ((Number) m.get("step")).longValue();
                if (step != steps.size()) {
                    throw new IllegalArgumentException("step " + step + " where step " + steps.size() + " was expected");
                }
                List<StepResult.Direction> dirs = new ArrayList<>();
                for (Object o : (List<?>) m.get("directions")) {
                    Map<?, ?> d = (Map<?, ?>) o;
                    dirs.add(new StepResult.Direction(((Number) d.get("seed")).longValue(), dbl(d.get("g")),
                            dbl(d.get("loss_plus")), dbl(d.get("loss_minus"))));
                }
                steps.add(new StepResult(step, dirs, ((Number) m.get("lr")).doubleValue(), (Boolean) m.get("skipped")));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new Log(header, steps);
    }

    private static double dbl(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }

    private static Object parse(Path file, String line, int n) {
        try {
            return Json.parse(line);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": line " + n + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        if (!(o instanceof Map)) throw new IllegalArgumentException("a trajectory line is not a JSON object");
        return (Map<String, Object>) o;
    }

    /** Lines ended by a newline (a partial last line is dropped). */
    private static List<String> completeLines(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        int end = s.lastIndexOf('\n');
        if (end < 0) return List.of();
        return List.of(s.substring(0, end).split("\n", -1));
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
