package dev.smezo.json;

import dev.smezo.io.TextFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * JSON Lines parsing speed, old against new, on a file of chat-like records: the hand-written
 * parser on lines split from the decoded file (what the task readers did before), Jackson on the
 * same lines, and {@link JsonLines#read} streaming the file. Run by benchmarks/json/jsonl.sh.
 *
 * <p>Arguments: FILE MB. FILE is written first when smaller than MB megabytes.
 */
public final class JsonLinesBenchmark {
    private static final String[] WORDS = {"the", "model", "answer", "is", "a", "short", "story", "about", "café",
        "naïve", "日本語", "😀", "line\nbreak", "\"quoted\"", "back\\slash", "tab\there", "of", "and", "to", "weights"};

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        long bytes = Long.parseLong(args[1]) << 20;
        if (!Files.exists(file) || Files.size(file) < bytes) write(file, bytes);
        double mb = Files.size(file) / 1048576.0;
        System.out.printf("%s: %.1f MB%n", file, mb);
        List<Run> runs = List.of(
                new Run("hand-written parser, Json.parse per line (before)", () -> perLine(file, HandWrittenJson::parse)),
                new Run("Jackson, Json.parse per line", () -> perLine(file, Json::parse)),
                new Run("Jackson, JsonLines.read streaming (now)", () -> streamed(file)));
        double[] best = new double[runs.size()];
        long[] checks = new long[runs.size()];
        for (int round = 0; round < 4; round++) {   // round 0 warms the JIT up and is not counted
            for (int i = 0; i < runs.size(); i++) {
                long t = System.nanoTime();
                checks[i] = runs.get(i).body().run();
                double s = (System.nanoTime() - t) / 1e9;
                if (round > 0 && (best[i] == 0 || s < best[i])) best[i] = s;
            }
        }
        for (int i = 0; i < runs.size(); i++) {
            if (checks[i] != checks[0]) throw new IllegalStateException(runs.get(i).name() + " read other values");
            System.out.printf("%-52s %6.2f s  %6.0f MB/s%n", runs.get(i).name(), best[i], mb / best[i]);
        }
    }

    private record Run(String name, Body body) {}

    private interface Body {
        long run() throws IOException;
    }

    /** As RecordReaders read JSONL before: the whole file decoded, split at LF, each line parsed. */
    private static long perLine(Path file, Function<String, Object> parse) throws IOException {
        long check = 0;
        for (String line : TextFile.read(file).split("\n")) {
            if (!line.isBlank()) check += checksum(parse.apply(line));
        }
        return check;
    }

    private static long streamed(Path file) throws IOException {
        long[] check = {0};
        JsonLines.read(file, (line, v) -> check[0] += checksum(v));
        return check[0];
    }

    /** Lengths of the two messages: enough to see that every parser read the same text. */
    private static long checksum(Object record) {
        List<?> messages = (List<?>) ((Map<?, ?>) record).get("messages");
        long sum = 0;
        for (Object m : messages) sum += ((String) ((Map<?, ?>) m).get("content")).length();
        return sum;
    }

    private static void write(Path file, long bytes) throws IOException {
        Random r = new Random(42);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (long n = 0; n < bytes; ) {
                String line = Json.write(Map.of("messages", List.of(message("user", text(r, 10, 80)),
                        message("assistant", text(r, 20, 250))))) + "\n";
                w.write(line);
                n += line.getBytes(StandardCharsets.UTF_8).length;
            }
        }
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    private static String text(Random r, int minWords, int maxWords) {
        StringBuilder sb = new StringBuilder();
        for (int i = minWords + r.nextInt(maxWords - minWords); i > 0; i--) sb.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
        return sb.toString();
    }
}
