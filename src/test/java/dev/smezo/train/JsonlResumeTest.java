package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.cli.CliRunner;
import dev.smezo.testing.TestData;
import dev.smezo.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JSONL run with micro-batches and length-grouped batches, stopped and resumed, ends in the bytes of an unbroken run. */
@Tag("native")
@Tag("model")
class JsonlResumeTest {
    @TempDir
    Path dir;

    @Test
    void resumedRunEqualsTheUnbrokenOne() throws Exception {
        Path model = TestModels.stories260K();
        Path data = TestData.promptCompletions(dir);
        String[] common = {"--data", data.toString(), "--lr", "3e-4", "--batch", "8", "--micro-batch", "3", "--eval-every", "5", "-t", "2"};
        Path broken = dir.resolve("broken"), whole = dir.resolve("whole");
        assertEquals(0, run(model, common, "--steps", "6", "--out", broken.toString()).exitCode());
        CliRunner.Result resumed = CliRunner.run("train", model.toString(), "--resume", broken.toString(), "--steps", "12", "-t", "2");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(0, run(model, common, "--steps", "12", "--out", whole.toString()).exitCode());
        assertArrayEquals(Files.readAllBytes(whole.resolve(RunFiles.MODEL)), Files.readAllBytes(broken.resolve(RunFiles.MODEL)));
    }

    static CliRunner.Result run(Path model, String[] common, String... more) {
        List<String> a = new ArrayList<>(List.of("train", model.toString()));
        a.addAll(List.of(common));
        a.addAll(List.of(more));
        return CliRunner.run(a.toArray(String[]::new));
    }
}
