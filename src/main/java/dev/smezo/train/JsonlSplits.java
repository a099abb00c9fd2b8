package dev.smezo.train;

import dev.smezo.data.DataFiles;
import dev.smezo.data.DataFormat;
import dev.smezo.data.DataRecord;
import dev.smezo.task.Splits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A JSONL run's training and dev records: the dev file's, or, without one, a tenth of the training
 * records (at most {@code n_dev}) held out by the run's seed; {@code n_train} (when above 0) and
 * {@code n_dev} cap them. A function of the config, so the CLI shows samples of the run's own dev set.
 */
public record JsonlSplits(DataFormat format, List<DataRecord> train, List<DataRecord> dev, String note) {
    public static JsonlSplits read(TrainConfig config) throws IOException {
        TrainConfig.Jsonl files = config.jsonl();
        DataFiles.Contents trainFile = DataFiles.read(Path.of(files.train()));
        List<DataRecord> train = new ArrayList<>(trainFile.records()), dev;
        String note = "";
        if (files.dev() != null) {
            dev = DataFiles.read(Path.of(files.dev())).records();
        } else {
            int n = train.size();
            int held = n >= 10 ? Math.min(config.nDev(), n / 10) : 0;
            int[] perm = Splits.permutation(n, config.seed() ^ 0x64657673L);
            List<DataRecord> kept = new ArrayList<>(), out = new ArrayList<>();
            for (int i = 0; i < n; i++) (i < held ? out : kept).add(trainFile.records().get(perm[i]));
            kept.sort(Comparator.comparingInt(DataRecord::line));
            out.sort(Comparator.comparingInt(DataRecord::line));
            train = kept;
            dev = out;
            note = held == 0 ? "no --dev file and under 10 training records: no dev evaluation"
                    : "no --dev file: " + held + " of the " + n + " training records held out for dev";
        }
        if (config.nTrain() > 0 && train.size() > config.nTrain()) train = train.subList(0, config.nTrain());
        if (dev.size() > config.nDev()) dev = dev.subList(0, config.nDev());
        return new JsonlSplits(trainFile.format(), List.copyOf(train), List.copyOf(dev), note);
    }
}
