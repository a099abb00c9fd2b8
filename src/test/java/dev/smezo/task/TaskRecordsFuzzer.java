package dev.smezo.task;

import dev.smezo.testing.Fuzzing;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz target: any bytes as a built-in task's data file (SuperGLUE's JSONL, SST-2's TSV, MultiRC's
 * nested JSONL), read and rendered by that task's template as `smezo train --task NAME` does. The
 * first byte picks the task.
 */
public final class TaskRecordsFuzzer {
    private static final List<String> TASKS = List.of("sst2", "rte", "boolq", "copa", "wic", "multirc");

    private TaskRecordsFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length == 0) return;
        Task task = Tasks.byName(TASKS.get(Math.floorMod(data[0], TASKS.size())));
        DataFormat format = ((Source.Files) task.source()).format();
        Path file = Fuzzing.file("records." + format.name().toLowerCase(), Arrays.copyOfRange(data, 1, data.length));
        List<Record> records;
        try {
            records = RecordReaders.read(format, file);
        } catch (TaskDataException e) {
            Fuzzing.requireNamed(e, file.toString());
            return;
        }
        for (Record r : records) {
            try {
                task.render(r).toString();
            } catch (TaskDataException e) {
                Fuzzing.requireNamed(e, file.toString());
            }
        }
    }
}
