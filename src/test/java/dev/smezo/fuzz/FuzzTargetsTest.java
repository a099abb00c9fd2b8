package dev.smezo.fuzz;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each fuzz target: its committed inputs (seeds and every finding's reproducer) replayed here, then a
 * short coverage-guided run under Jazzer's driver in a child JVM (-Dsmezo.fuzz.seconds, default 10),
 * which must end without a finding and have executed inputs. The long runs are
 * benchmarks/reliability/fuzz.sh's.
 */
@Tag("native")
class FuzzTargetsTest {
    static final int SECONDS = Integer.getInteger("smezo.fuzz.seconds", 10);
    private static final Pattern EXECUTED = Pattern.compile("stat::number_of_executed_units: (\\d+)");

    @TempDir Path tmp;

    @TestFactory
    Stream<DynamicTest> replayCommittedInputs() {
        return FuzzTargets.ALL.stream().map(t -> DynamicTest.dynamicTest(FuzzTargets.simpleName(t), () -> {
            int n = FuzzTargets.replay(t, FuzzTargets.seeds(Path.of(""), t));
            assertTrue(n > 0, "no committed inputs for " + t);
        }));
    }

    @TestFactory
    Stream<DynamicTest> fuzzBriefly() {
        return FuzzTargets.ALL.stream().map(t -> DynamicTest.dynamicTest(FuzzTargets.simpleName(t), () -> fuzz(t)));
    }

    private void fuzz(String target) throws IOException, InterruptedException {
        String name = FuzzTargets.simpleName(target);
        Path work = Files.createDirectories(tmp.resolve(name + "/corpus"));
        Path artifacts = Files.createDirectories(tmp.resolve(name + "/findings"));
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> props = new ArrayList<>();
        for (String p : List.of("smezo.native.dir", "smezo.shared")) {
            if (System.getProperty(p) != null) props.add("-D" + p + "=" + System.getProperty(p));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = tmp.resolve(name + ".log");
        Process p = new ProcessBuilder(FuzzTargets.command(java, cp, props, target, SECONDS, work,
                FuzzTargets.seeds(Path.of("").toAbsolutePath(), target), artifacts))
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(SECONDS + 120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(name + ": Jazzer did not end within " + (SECONDS + 120) + " s; log " + tail(log));
        }
        String out = tail(log);
        List<String> findings;
        try (var s = Files.list(artifacts)) {
            findings = s.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertEquals(0, p.exitValue(), name + ": a finding " + findings + "; log:\n" + out);
        Matcher m = EXECUTED.matcher(Files.readString(log, StandardCharsets.UTF_8));
        assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, name + ": no inputs executed; log:\n" + out);
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
