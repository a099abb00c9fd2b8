package dev.smezo.task;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a parsed task file (JSON object) into a {@link Task}. The same shape serves built-ins and
 * user tasks; unknown keys are errors so that typos do not pass silently.
 *
 * <pre>{@code
 * {
 *   "name": "mytask",                      required
 *   "description": "...",
 *   "template": "... {field} ...",         required; "\n" is a newline
 *   "train": "train.jsonl",                optional (no train file: train/dev are carved from validation)
 *   "validation": "val.jsonl",             required (or "generator" instead of files)
 *   "dir": "sub/dir",                      optional directory the two paths are in
 *   "format": "jsonl" | "tsv" | "multirc", default: tsv for *.tsv, else jsonl
 *   "label_field": "label",                default "label"
 *   one of:
 *     "label_words": {"label value": "candidate text", ...}   (order = candidate order)
 *     "candidates": ["text", ...]           label is an index or a candidate's text
 *     "candidate_fields": ["choice1", ...]  per-example candidates; label is an index
 *     "candidates_field": "choices"         per-example candidates from an array field
 *   "candidate_transforms": ["lower_first_unless_i", ...]   for per-example candidates
 *   "transforms": {"field": ["strip", ...]},
 *   "derived": {"field": {"from": "other", "values": {"a": "text", ...}}},
 *   "loss": "classification" | "multiple_choice" (alias "lm"), default by candidates kind
 *   "metric": "accuracy" | "f1" | [...],   accuracy is always reported
 *   "positive_label": "1",                  label value (or candidate text) F1 counts as positive
 *   "defaults": {"train": 1000, "dev": 500, "test": 1000},
 *   "generator": {"name": "...", "seed": 1, "train": 4000, "validation": 1000}   built-ins only
 * }
 * }</pre>
 */
final class TaskSpecs {
    private static final Set<String> KEYS = Set.of("name", "description", "template", "train", "validation", "dir",
            "format", "label_field", "label_words", "candidates", "candidate_fields", "candidates_field",
            "candidate_transforms", "transforms", "derived", "loss", "metric", "positive_label", "defaults", "generator");

    private final Map<String, Object> json;
    private final String origin;

    private TaskSpecs(Map<String, Object> json, String origin) {
        this.json = json;
        this.origin = origin;
    }

    /**
     * @param baseDir directory data paths resolve against (the task file's), or null for built-ins,
     *                whose paths resolve against the data directory given at load time
     * @param origin  the task file, for messages
     */
    static Task parse(Object parsed, Path baseDir, String origin) {
        if (!(parsed instanceof Map<?, ?>)) throw new TaskDataException(origin, 0, null, "a task file is one JSON object");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) parsed;
        return new TaskSpecs(json, origin).task(baseDir);
    }

    private Task task(Path baseDir) {
        for (String k : json.keySet()) {
            if (!KEYS.contains(k)) throw error(k, "unknown key (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
        }
        String name = string("name", true);
        try {
            Template template = Template.parse(string("template", true));
            Candidates candidates = candidates();
            LossKind loss = json.containsKey("loss") ? LossKind.byKey(string("loss", true))
                    : candidates instanceof Candidates.Fixed ? LossKind.CLASSIFICATION : LossKind.MULTIPLE_CHOICE;
            List<Metric> metrics = new ArrayList<>(List.of(Metric.ACCURACY));
            for (String m : stringOrList("metric")) {
                Metric metric = Metric.byKey(m);
                if (!metrics.contains(metric)) metrics.add(metric);
            }
            return new Task(name, string("description", false), source(baseDir), template, transforms(), derived(),
                    candidates, json.containsKey("label_field") ? string("label_field", true) : "label", loss, metrics,
                    positiveLabel(candidates), defaults());
        } catch (IllegalArgumentException e) {
            throw new TaskDataException(origin, 0, null, e.getMessage(), e);
        }
    }

    private Source source(Path baseDir) {
        if (json.containsKey("generator")) {
            for (String k : List.of("train", "validation", "dir", "format")) {
                if (json.containsKey(k)) throw error(k, "a generated task has no data files");
            }
            Map<String, Object> g = map("generator");
            for (String k : g.keySet()) {
                if (!Set.of("name", "seed", "train", "validation").contains(k)) throw error("generator." + k, "unknown key");
            }
            if (!(g.get("seed") instanceof Long seed)) throw error("generator.seed", "expected an integer");
            return new Source.Generated(str(g, "name", "generator.name"), seed,
                    count(g, "train", "generator.train"), count(g, "validation", "generator.validation"));
        }
        String validation = string("validation", true);
        String format = json.containsKey("format") ? string("format", true) : validation.endsWith(".tsv") ? "tsv" : "jsonl";
        return new Source.Files(DataFormat.byKey(format), baseDir, string("dir", false), string("train", false), validation);
    }

    private Candidates candidates() {
        List<String> given = json.keySet().stream()
                .filter(k -> Set.of("label_words", "candidates", "candidate_fields", "candidates_field").contains(k)).toList();
        if (given.size() != 1) throw error(null, "give exactly one of label_words, candidates, candidate_fields, candidates_field");
        List<Transform> ts = new ArrayList<>();
        for (String t : stringOrList("candidate_transforms")) ts.add(Transform.byKey(t));
        switch (given.getFirst()) {
            case "label_words" -> {
                Map<String, Object> words = map("label_words");
                List<String> values = new ArrayList<>();
                List<String> texts = new ArrayList<>();
                for (Map.Entry<String, Object> e : words.entrySet()) {
                    values.add(e.getKey());
                    texts.add(str(words, e.getKey(), "label_words." + e.getKey()));
                }
                noTransforms(ts);
                return new Candidates.Fixed(texts, values);
            }
            case "candidates" -> {
                noTransforms(ts);
                return new Candidates.Fixed(strings("candidates"), List.of());
            }
            case "candidate_fields" -> {
                return new Candidates.PerExample(strings("candidate_fields"), null, ts);
            }
            default -> {
                return new Candidates.PerExample(List.of(), string("candidates_field", true), ts);
            }
        }
    }

    private void noTransforms(List<Transform> ts) {
        if (!ts.isEmpty()) throw error("candidate_transforms", "only for per-example candidates; write fixed candidates as wanted");
    }

    private int positiveLabel(Candidates c) {
        if (!json.containsKey("positive_label")) return -1;
        String v = Record.scalar(json.get("positive_label"));
        if (c instanceof Candidates.Fixed f) {
            int i = f.labelValues().isEmpty() ? f.words().indexOf(v) : f.labelValues().indexOf(v);
            if (i < 0 && f.labelValues().isEmpty() && v.matches("\\d+") && Integer.parseInt(v) < f.words().size()) i = Integer.parseInt(v);
            if (i >= 0) return i;
        }
        throw error("positive_label", "\"" + v + "\" is not one of the task's fixed labels");
    }

    private Map<String, List<Transform>> transforms() {
        Map<String, List<Transform>> out = new LinkedHashMap<>();
        if (!json.containsKey("transforms")) return out;
        Map<String, Object> m = map("transforms");
        for (String field : m.keySet()) {
            List<Transform> ts = new ArrayList<>();
            for (String t : strs(m.get(field), "transforms." + field)) ts.add(Transform.byKey(t));
            out.put(field, ts);
        }
        return out;
    }

    private Map<String, Task.Derived> derived() {
        Map<String, Task.Derived> out = new LinkedHashMap<>();
        if (!json.containsKey("derived")) return out;
        Map<String, Object> m = map("derived");
        for (String field : m.keySet()) {
            if (!(m.get(field) instanceof Map<?, ?> d) || !(d.get("from") instanceof String from)
                    || !(d.get("values") instanceof Map<?, ?> values) || d.size() != 2) {
                throw error("derived." + field, "expected {\"from\": \"field\", \"values\": {...}}");
            }
            Map<String, String> table = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                if (!(v instanceof String s)) throw error("derived." + field + ".values." + k, "expected a string");
                table.put((String) k, s);
            });
            out.put(field, new Task.Derived(from, table));
        }
        return out;
    }

    private Defaults defaults() {
        if (!json.containsKey("defaults")) return Defaults.PROTOCOL;
        Map<String, Object> d = map("defaults");
        for (String k : d.keySet()) {
            if (!Set.of("train", "dev", "test").contains(k)) throw error("defaults." + k, "unknown key (known: train, dev, test)");
        }
        Defaults p = Defaults.PROTOCOL;
        return new Defaults(d.containsKey("train") ? count(d, "train", "defaults.train") : p.train(),
                d.containsKey("dev") ? count(d, "dev", "defaults.dev") : p.dev(),
                d.containsKey("test") ? count(d, "test", "defaults.test") : p.test());
    }

    // ------------------------------------------------------------ typed access, errors name the key

    private String string(String key, boolean required) {
        Object v = json.get(key);
        if (v == null) {
            if (required) throw error(key, "required");
            return null;
        }
        if (!(v instanceof String s)) throw error(key, "expected a string");
        return s;
    }

    private List<String> strings(String key) {
        List<String> out = strs(json.get(key), key);
        if (out.isEmpty()) throw error(key, "expected a non-empty array of strings");
        return out;
    }

    private List<String> stringOrList(String key) {
        Object v = json.get(key);
        if (v == null) return List.of();
        if (v instanceof String s) return List.of(s);
        return strs(v, key);
    }

    private List<String> strs(Object v, String key) {
        if (!(v instanceof List<?> list)) throw error(key, "expected an array of strings");
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) throw error(key, "expected an array of strings");
            out.add(s);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(String key) {
        if (!(json.get(key) instanceof Map<?, ?> m)) throw error(key, "expected a JSON object");
        return (Map<String, Object>) m;
    }

    private String str(Map<String, Object> m, String key, String path) {
        if (!(m.get(key) instanceof String s)) throw error(path, "expected a string");
        return s;
    }

    /** A non-negative int-sized integer at {@code m.get(key)}. */
    private int count(Map<String, Object> m, String key, String path) {
        if (!(m.get(key) instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) throw error(path, "expected a non-negative integer");
        return n.intValue();
    }

    private TaskDataException error(String key, String message) {
        return new TaskDataException(origin, 0, key, message);
    }
}
