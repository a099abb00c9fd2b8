package dev.smezo.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every parser of a user's file, as a Jazzer fuzz target (a class with {@code fuzzerTestOneInput(byte[])}).
 * Their seeds live in src/test/resources/fuzz/NAME/ (written by {@link Seeds}; findings are added there
 * as regression inputs). {@link FuzzTargetsTest} replays them and fuzzes each briefly in `mvn verify`;
 * benchmarks/reliability/fuzz.sh fuzzes for hours and commits the counts.
 */
public final class FuzzTargets {
    /** Target classes in the order the script runs them. */
    public static final List<String> ALL = List.of(
            "dev.smezo.gguf.GgufFuzzer",
            "dev.smezo.task.TaskFileFuzzer",
            "dev.smezo.task.TaskRecordsFuzzer",
            "dev.smezo.data.DataFileFuzzer",
            "dev.smezo.train.TrajectoryFuzzer",
            "dev.smezo.chat.ChatTemplateFuzzer");

    private FuzzTargets() {}

    public static String simpleName(String target) {
        return target.substring(target.lastIndexOf('.') + 1);
    }

    /** The committed seeds and regression inputs of {@code target}. */
    public static Path seeds(Path repo, String target) {
        return repo.resolve("src/test/resources/fuzz").resolve(simpleName(target));
    }

    /**
     * The standalone Jazzer command for {@code target}: libFuzzer's flags after the target, then the
     * corpus directories (new inputs go into the first).
     */
    public static List<String> command(String java, String classPath, List<String> jvmProperties, String target,
                                       int seconds, Path workCorpus, Path seeds, Path artifacts) {
        List<String> c = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+EnableDynamicAgentLoading",
                "-Xmx2g", "-Xss8m"));
        c.addAll(jvmProperties);
        c.addAll(List.of("-cp", classPath, "com.code_intelligence.jazzer.Jazzer",
                "--target_class=" + target,
                "--instrumentation_includes=dev.smezo.**",
                "--reproducer_path=" + artifacts,
                "-artifact_prefix=" + artifacts + "/",
                "-max_total_time=" + seconds,
                "-timeout=20",            // one input: seconds
                "-rss_limit_mb=3072",     // the JVM's heap is 2 GiB; above this is native memory an input made
                "-print_final_stats=1",
                workCorpus.toString(), seeds.toString()));
        return c;
    }

    /** Runs every committed input through {@code target} in this JVM; returns how many ran. */
    public static int replay(String target, Path seeds) throws Throwable {
        Class<?> c = Class.forName(target);
        try {
            c.getMethod("fuzzerInitialize").invoke(null);
        } catch (NoSuchMethodException none) {
            // no set-up
        }
        var one = c.getMethod("fuzzerTestOneInput", byte[].class);
        List<Path> inputs;
        try (var s = Files.list(seeds)) {
            inputs = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path p : inputs) {
            try {
                one.invoke(null, (Object) Files.readAllBytes(p));
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw new AssertionError(p + ": " + e.getCause(), e.getCause());
            }
        }
        return inputs.size();
    }
}
