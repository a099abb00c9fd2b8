package dev.smezo.train;

import dev.smezo.data.DataRecord;
import dev.smezo.data.SequenceEncoder;
import dev.smezo.data.TokenSequence;
import dev.smezo.forward.ForwardShape;
import dev.smezo.json.Json;
import dev.smezo.parallel.Group;
import dev.smezo.parallel.Parallel;
import dev.smezo.perturb.PerturbedModel;
import dev.smezo.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sequences from JSONL files (chat, prompt/completion, text): each step a length-grouped batch, run
 * in micro-batches; evaluation is the dev loss and perplexity over the same kind of tokens (the
 * answers, unless the prompt is trained too). The records are {@link JsonlSplits}'.
 */
final class SequenceData implements RunData {
    private final String name;
    private final List<TokenSequence> train;
    private final SequenceObjective dev;
    private final int devRecords;
    private final int batch, perForward;
    private final BatchSchedule batches;
    private final ForwardShape largest;
    private final int nVocab;
    private final Group group;

    private SequenceData(String name, List<TokenSequence> train, List<TokenSequence> dev, TrainConfig config, int nVocab,
                         Parallel parallel) {
        this.name = name;
        this.group = parallel.data();
        this.train = train;
        this.batch = config.batch();
        this.perForward = config.sequencesPerForward();
        this.nVocab = nVocab;
        List<TokenSequence> sortedDev = new ArrayList<>(dev);
        sortedDev.sort(Comparator.comparingInt(TokenSequence::length));   // similar lengths share a forward
        this.dev = sortedDev.isEmpty() ? null : new SequenceObjective(sortedDev, perForward, nVocab, parallel.group());
        this.devRecords = dev.size();
        this.batches = BatchSchedule.byLength(train.stream().mapToInt(TokenSequence::length).toArray(), batch, config.seed());
        List<TokenSequence> all = new ArrayList<>(train);
        all.addAll(dev);
        this.largest = SequenceObjective.largest(all, perForward);
    }

    /**
     * Reads and encodes the run's files; {@code messages} gets what was held out, cut or dropped.
     *
     * @throws IllegalArgumentException when no training sequence is left (every answer cut away) or
     *         the batch is larger than the training set
     */
    static SequenceData open(TrainConfig config, Tokenizer tok, Supplier<SequenceEncoder.Renderer> template, int nVocab,
                             Consumer<String> messages) throws IOException {
        return open(config, tok, template, nVocab, messages, Parallel.none());
    }

    /**
     * @param parallel with data parallel, each step's forwards (micro-batches) are split over the ranks;
     *                 in any layout the dev evaluation's forwards are
     */
    static SequenceData open(TrainConfig config, Tokenizer tok, Supplier<SequenceEncoder.Renderer> template, int nVocab,
                             Consumer<String> messages, Parallel parallel) throws IOException {
        Group group = parallel.data();
        int forwards = (config.batch() + config.sequencesPerForward() - 1) / config.sequencesPerForward();
        if (forwards < group.size()) {
            throw new IllegalArgumentException("--parallel data over " + group.size() + " ranks splits each step's forwards "
                    + "(micro-batches) over the ranks, and a step has " + forwards + ": give --micro-batch "
                    + Math.max(1, config.batch() / group.size()) + " or less");
        }
        TrainConfig.Jsonl files = config.jsonl();
        JsonlSplits splits = JsonlSplits.read(config);
        if (!splits.note().isEmpty()) messages.accept(splits.note());
        List<DataRecord> train = splits.train(), dev = splits.dev();
        boolean chat = train.stream().anyMatch(r -> r instanceof DataRecord.Chat) || dev.stream().anyMatch(r -> r instanceof DataRecord.Chat);
        SequenceEncoder enc = new SequenceEncoder(tok, chat ? template.get() : null, files.trainOnPrompt(), config.maxLength());
        SequenceEncoder.Encoded t = enc.encodeAll(train), d = enc.encodeAll(dev);
        messages.accept(String.format("%s: %s, %d training records (%,d target tokens)%s", files.train(),
                splits.format().name().toLowerCase().replace('_', '-'), t.sequences().size(), targets(t.sequences()),
                t.note(config.maxLength()).isEmpty() ? "" : "; " + t.note(config.maxLength())));
        if (!d.note(config.maxLength()).isEmpty()) messages.accept("dev: " + d.note(config.maxLength()));
        if (t.sequences().isEmpty()) {
            throw new IllegalArgumentException(files.train() + ": every record's answer was cut away by --max-length "
                    + config.maxLength() + " (first: " + t.firstDropped() + "); raise --max-length");
        }
        if (config.batch() > t.sequences().size()) {
            throw new IllegalArgumentException("--batch " + config.batch() + " is more than the " + t.sequences().size()
                    + " training records (lower --batch)");
        }
        return new SequenceData(Path.of(files.train()).getFileName().toString(), t.sequences(), d.sequences(), config, nVocab, parallel);
    }

    private static long targets(List<TokenSequence> seqs) {
        long n = 0;
        for (TokenSequence s : seqs) n += s.targets();
        return n;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ForwardShape largest() {
        return largest;
    }

    @Override
    public boolean variableShapes() {
        return true;
    }

    @Override
    public Objective objective(long step) {
        return new SequenceObjective(batches.examples(train, step), perForward, nVocab, group);
    }

    /** Dev loss (mean NLL per target token) and perplexity; there is no test split. */
    @Override
    public Evaluator.Result evaluate(PerturbedModel model, boolean test) {
        if (test || dev == null) return null;
        double loss = dev.loss((b, s) -> model.logits(b, s, 0, 0f));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", (long) devRecords);
        m.put("tokens", (long) dev.targets());
        m.put("perplexity", Json.finiteOrNull(Math.exp(loss)));
        return new Evaluator.Result(m, loss, new int[0]);
    }
}
