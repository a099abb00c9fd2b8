package dev.smezo.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.gguf.GgmlType;
import dev.smezo.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train command's failure modes: clear messages, documented exit codes, nothing half-written. */
@Tag("native")
class TrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void badDatasetLineIsExit3NamingFileAndLine() throws Exception {
        Path model = TestModels.synth(dir, "tiny", 1, GgmlType.F32, false, 3);
        Files.writeString(dir.resolve("train.jsonl"), "{\"text\": \"aa ab\", \"label\": \"x\"}\n{\"text\": \"ab\", \"label\": \"y\"}\n{broken\n");
        Files.writeString(dir.resolve("val.jsonl"), "{\"text\": \"aa\", \"label\": \"x\"}\n");
        Files.writeString(dir.resolve("task.json"), "{\"name\": \"t\", \"template\": \"{text}\", \"label_field\": \"label\", "
                + "\"label_words\": {\"x\": \" x\", \"y\": \" y\"}, \"loss\": \"classification\", \"metric\": \"accuracy\", "
                + "\"train\": \"train.jsonl\", \"validation\": \"val.jsonl\"}");
        CliRunner.Result r = CliRunner.run("train", model.toString(), "--task", dir.resolve("task.json").toString(),
                "--steps", "2", "--out", dir.resolve("run").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("train.jsonl") && r.err().contains("line 3"), r.err());
    }

    @Test
    void nonFiniteLossesAreExit4AndWriteNoCheckpoint() throws Exception {
        // A model whose output norm holds a NaN: every loss is NaN, every step is skipped.
        Path model = TestModels.withNanOutputNorm(dir, TestModels.synth(dir, "tiny", 1, GgmlType.F32, false, 3), "nan");
        Path run = dir.resolve("run");
        CliRunner.Result r = CliRunner.run("train", model.toString(), "--task", "synthetic-keywords", "--method", "mezo",
                "--lr", "1e-3", "--steps", "100", "--eval-every", "100", "--n-train", "64", "--n-dev", "8", "--n-test", "8",
                "--out", run.toString());
        assertEquals(Main.EXIT_DIVERGED, r.exitCode(), r.err());
        assertTrue(r.err().contains("non-finite"), r.err());
        assertFalse(Files.exists(run.resolve("model.gguf")), "no checkpoint from a diverged run");
        try (var files = Files.list(run)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left");
        }
    }

    @Test
    void unknownMethodIsABadArgument() throws Exception {
        Path model = TestModels.synth(dir, "tiny", 1, GgmlType.F32, false, 3);
        CliRunner.Result r = CliRunner.run("train", model.toString(), "--task", "synthetic-keywords", "--method", "adam");
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("adam"), r.err());
    }

    @Test
    void cudaWithoutCudaIsAClearError() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.smezo.ggml.CudaBackend.deviceCount() == 0, "this machine has CUDA");
        Path model = TestModels.synth(dir, "tiny", 1, GgmlType.F32, false, 3);
        CliRunner.Result r = CliRunner.run("train", model.toString(), "--task", "synthetic-keywords", "--device", "cuda",
                "--steps", "1", "--out", dir.resolve("run").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("--device cuda"), r.err());
    }

    @Test
    void resumeWithoutTrajectoryIsClear() {
        CliRunner.Result r = CliRunner.run("train", "x.gguf", "--resume", dir.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("trajectory.jsonl"), r.err());
    }
}
