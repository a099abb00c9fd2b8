package dev.smezo.cli;

import dev.smezo.task.Example;
import dev.smezo.task.Split;
import dev.smezo.task.Task;
import dev.smezo.task.Tasks;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tasks",
        description = {
            "List the built-in tasks, or show one (a name or a task JSON file) with an example prompt "
                    + "rendered from its data exactly as the model sees it, and its candidates.",
            "",
            "A task of your own is a JSON file over JSONL (or TSV) data; paths resolve against the task file:",
            "  {\"name\": \"my-task\", \"template\": \"{text} It was\", \"label_field\": \"label\",",
            "   \"label_words\": {\"0\": \" bad\", \"1\": \" good\"}, \"loss\": \"classification\",",
            "   \"metric\": \"accuracy\", \"train\": \"train.jsonl\", \"validation\": \"val.jsonl\"}",
            "Instead of label_words: \"candidates\": [\"text\", ...] (label = index or text), \"candidate_fields\": "
                    + "[\"choice1\", ...] or \"candidates_field\": \"choices\" (per-example candidates; with \"loss\": "
                    + "\"multiple_choice\" the candidate's own log-likelihood is scored). \"{field}\" in the template is "
                    + "the example's field, \"\\n\" a newline; without \"train\", train and dev are carved from the "
                    + "validation file. Optional: description, dir, format (jsonl, tsv), transforms, metric (f1), "
                    + "positive_label, defaults. Unknown keys are errors.",
            "",
            "Examples:  smezo tasks      smezo tasks rte      smezo tasks my-task.json --data ."},
        mixinStandardHelpOptions = true)
final class TasksCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "TASK", description = "A task to show.")
    String task;

    @picocli.CommandLine.Mixin
    DataOption data;

    @Option(names = "--examples", defaultValue = "1", description = "How many examples to render (default: ${DEFAULT-VALUE}).")
    int examples;

    @Override
    public Integer call() {
        var out = System.out;
        if (task == null) {
            for (Task t : Tasks.builtIn()) out.printf("%-22s %s%n", t.name(), t.description());
            out.println();
            out.println("A task of your own is a JSON file: `smezo tasks FILE` shows it; `smezo tasks --help` gives its format.");
            return Main.EXIT_OK;
        }
        Task t = Tasks.byName(task);
        out.println(t.describe());
        Path dataDir = data.resolve();
        Split split = t.has(Split.TRAIN) ? Split.TRAIN : Split.VALIDATION;
        List<Example> ex = t.load(split, dataDir);
        for (int i = 0; i < Math.min(examples, ex.size()); i++) {
            Example e = ex.get(i);
            out.println();
            out.println("--- example " + e.id() + " (" + split.name().toLowerCase() + ") ---");
            out.println(e.prompt() + "\u2038");
            for (int c = 0; c < e.candidates().size(); c++) {
                out.printf("  candidate %d%s: \"%s\"%n", c, c == e.label() ? " (correct)" : "", e.candidates().get(c));
            }
        }
        return Main.EXIT_OK;
    }
}
