package dev.smezo.task;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A task as data: where its records come from, how a record becomes a prompt and candidates, how the
 * loss is formed and what is measured. Built-in tasks are JSON resources beside this class; user tasks
 * are JSON files of the same shape ({@link Tasks}).
 *
 * <p>Rendering a record: each template slot {@code {f}} is filled with field {@code f} of the record
 * (or, where {@code derived} names {@code f}, with the mapped value of another field), then passed
 * through {@code transforms.get(f)} in order. The candidates come from {@link Candidates}; the label
 * from the record's {@code labelField}.
 *
 * @param name          short name, used on the command line ({@code sst2})
 * @param description   one line for listings
 * @param source        data files or a generator
 * @param template      the prompt template
 * @param transforms    per-field text transforms applied after lookup, in order
 * @param derived       fields computed from another field through a fixed table (COPA's connective)
 * @param candidates    fixed verbalizer or per-example candidates
 * @param labelField    the record field holding the label
 * @param loss          how the training loss is formed
 * @param metrics       what evaluation reports (accuracy always first)
 * @param positiveLabel index of the positive candidate for F1, or -1 when F1 is not reported
 * @param defaults      default sample sizes
 */
public record Task(
        String name,
        String description,
        Source source,
        Template template,
        Map<String, List<Transform>> transforms,
        Map<String, Derived> derived,
        Candidates candidates,
        String labelField,
        LossKind loss,
        List<Metric> metrics,
        int positiveLabel,
        Defaults defaults) {

    /** A field computed from field {@code from} through a table; a value not in the table is an error. */
    public record Derived(String from, Map<String, String> values) {
        public Derived {
            Objects.requireNonNull(from, "from");
            values = Map.copyOf(values);
        }
    }

    public Task {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(candidates, "candidates");
        Objects.requireNonNull(labelField, "labelField");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(defaults, "defaults");
        description = description == null ? "" : description;
        transforms = Map.copyOf(transforms);
        derived = Map.copyOf(derived);
        metrics = List.copyOf(metrics);
        if (metrics.isEmpty()) throw new IllegalArgumentException(name + ": no metric");
        if (metrics.contains(Metric.F1) && positiveLabel < 0) {
            throw new IllegalArgumentException(name + ": metric f1 needs a positive label");
        }
        if (loss == LossKind.CLASSIFICATION && candidates instanceof Candidates.Fixed f && f.words().size() < 2) {
            throw new IllegalArgumentException(name + ": classification needs at least two candidates");
        }
    }

    /** Whether the task has data for {@code split} (BoolQ ships no train file here). */
    public boolean has(Split split) {
        return !(source instanceof Source.Files f) || f.path(split, null) != null;
    }

    /** Where {@code split} comes from, for messages: a path or {@code generated:NAME}. */
    public String origin(Split split, Path dataDir) {
        return switch (source) {
            case Source.Files f -> {
                Path p = f.path(split, dataDir);
                yield p == null ? "(no " + split.name().toLowerCase() + " file)" : p.toString();
            }
            case Source.Generated g -> "generated:" + g.generator() + "/" + split.name().toLowerCase();
        };
    }

    /**
     * Loads and renders every record of {@code split}, in file order.
     *
     * @param dataDir the directory built-in data paths resolve against (e.g. {@code shared/data/superglue});
     *                ignored by user tasks (their paths resolve against the task file) and generated tasks
     * @throws TaskDataException on any bad, missing or empty data, naming file, line and field
     */
    public List<Example> load(Split split, Path dataDir) {
        List<Record> records = switch (source) {
            case Source.Files f -> {
                Path p = f.path(split, dataDir);
                if (p == null) throw new TaskDataException(name, 0, null, "no " + split.name().toLowerCase() + " file");
                yield RecordReaders.read(f.format(), p);
            }
            case Source.Generated g -> Generators.generate(g, split);
        };
        List<Example> out = new ArrayList<>(records.size());
        for (Record r : records) out.add(render(r));
        return out;
    }

    /** Renders one record into an example; errors name the record's place and the field. */
    Example render(Record r) {
        String prompt = template.render(field -> {
            String v;
            Derived d = derived.get(field);
            if (d != null) {
                String key = r.text(d.from());
                v = d.values().get(key);
                if (v == null) throw r.error(d.from(), "unknown value \"" + key + "\" (expected one of " + quoted(d.values().keySet()) + ")");
            } else {
                v = r.text(field);
            }
            return apply(transforms.get(field), v);
        });
        Object label = r.get(labelField);
        return switch (candidates) {
            case Candidates.Fixed f -> new Example(r.id(), prompt, f.words(), fixedLabel(f, label, r), r.group());
            case Candidates.PerExample p -> {
                List<String> raw = rawChoices(p, r);
                List<String> texts = new ArrayList<>(raw.size());
                for (String c : raw) texts.add(apply(p.transforms(), c));
                yield new Example(r.id(), prompt, texts, indexLabel(label, raw, r), r.group());
            }
        };
    }

    private int fixedLabel(Candidates.Fixed f, Object label, Record r) {
        if (f.labelValues().isEmpty()) return indexLabel(label, f.words(), r);
        int i = label instanceof List<?> || label instanceof Map<?, ?> ? -1 : f.labelValues().indexOf(Record.scalar(label));
        if (i < 0) {
            throw r.error(labelField, "unknown label " + jsonish(label) + " (expected one of " + quoted(f.labelValues()) + ")");
        }
        return i;
    }

    /** A label that is an index into {@code choices}, or the text of one of them. */
    private int indexLabel(Object label, List<String> choices, Record r) {
        if (label instanceof Long l && l >= 0 && l < choices.size()) return l.intValue();
        if (label instanceof String s && choices.contains(s)) return choices.indexOf(s);
        throw r.error(labelField, "unknown label " + jsonish(label) + " (expected an index 0.." + (choices.size() - 1)
                + " or one of the candidate texts)");
    }

    private static List<String> rawChoices(Candidates.PerExample p, Record r) {
        if (p.listField() == null) {
            List<String> out = new ArrayList<>();
            for (String f : p.fields()) out.add(r.text(f));
            return out;
        }
        if (!(r.get(p.listField()) instanceof List<?> list) || list.isEmpty()) {
            throw r.error(p.listField(), "expected a non-empty array of candidate texts");
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) throw r.error(p.listField(), "candidate " + jsonish(o) + " is not a string");
            out.add(s);
        }
        return out;
    }

    private static String apply(List<Transform> ts, String v) {
        if (ts != null) for (Transform t : ts) v = t.apply(v);
        return v;
    }

    private static String jsonish(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }

    private static String quoted(Iterable<String> values) {
        StringBuilder sb = new StringBuilder();
        for (String v : values) sb.append(sb.isEmpty() ? "" : ", ").append('"').append(v).append('"');
        return sb.toString();
    }

    /** A few lines for {@code smezo tasks}: template, candidates, loss, metrics, defaults, data. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(name);
        if (!description.isEmpty()) sb.append(" - ").append(description);
        sb.append("\n  prompt:     ").append(visible(template.text()));
        Map<String, String> notes = new LinkedHashMap<>();
        derived.forEach((f, d) -> notes.put(f, "from " + d.from() + " " + visibleMap(d.values())));
        transforms.forEach((f, ts) -> notes.merge(f, keys(ts), (a, b) -> a + "; " + b));
        notes.forEach((f, n) -> sb.append("\n    {").append(f).append("}: ").append(n));
        sb.append("\n  candidates: ");
        switch (candidates) {
            case Candidates.Fixed f -> {
                for (int i = 0; i < f.words().size(); i++) {
                    if (i > 0) sb.append(", ");
                    sb.append(visible(f.words().get(i)));
                    sb.append(" (").append(f.labelValues().isEmpty() ? String.valueOf(i) : labelField + "=" + f.labelValues().get(i)).append(')');
                }
            }
            case Candidates.PerExample p -> {
                sb.append("per example, ").append(p.listField() != null ? "array " + p.listField() : String.join(", ", p.fields()));
                if (!p.transforms().isEmpty()) sb.append(" (").append(keys(p.transforms())).append(')');
                sb.append("; field \"").append(labelField).append("\" is the index of the right one");
            }
        }
        sb.append("\n  loss:       ").append(loss.key()).append(switch (loss) {
            case CLASSIFICATION -> " (cross-entropy over the candidates' mean token log-probs)";
            case MULTIPLE_CHOICE -> " (LM loss on the correct candidate's tokens)";
        });
        sb.append("\n  metrics:    ");
        for (int i = 0; i < metrics.size(); i++) sb.append(i > 0 ? ", " : "").append(metrics.get(i).key());
        if (positiveLabel >= 0 && candidates instanceof Candidates.Fixed f) {
            sb.append(" (positive: ").append(visible(f.words().get(positiveLabel))).append(')');
        }
        sb.append("\n  defaults:   ").append(defaults.train()).append(" train / ").append(defaults.dev())
                .append(" dev / ").append(defaults.test()).append(" test");
        sb.append("\n  data:       ").append(switch (source) {
            case Source.Files f -> f.format().key() + ": " + (f.train() == null ? "(no train file)" : join(f.dir(), f.train()))
                    + ", " + join(f.dir(), f.validation()) + (f.baseDir() != null ? " in " + f.baseDir() : "");
            case Source.Generated g -> "generated by code (" + g.generator() + ", seed " + g.seed() + "): "
                    + g.train() + " train, " + g.validation() + " validation";
        });
        return sb.toString();
    }

    private static String join(String dir, String file) {
        return dir == null ? file : dir + "/" + file;
    }

    private static String keys(List<Transform> ts) {
        StringBuilder sb = new StringBuilder();
        for (Transform t : ts) sb.append(sb.isEmpty() ? "" : ", ").append(t.key());
        return sb.toString();
    }

    private static String visibleMap(Map<String, String> m) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(m).forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(" -> ").append(visible(v)));
        return "(" + sb + ")";
    }

    /** The text quoted, with newlines shown as \n, so leading/trailing spaces are visible. */
    static String visible(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\"", "\\\"") + "\"";
    }
}
