package dev.smezo.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.gguf.GgmlType;
import dev.smezo.json.Json;
import dev.smezo.testing.TestModels;
import dev.smezo.train.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run predicted not to fit is refused before it allocates anything large (exit 3, the prediction's
 * parts and the limit in the message, no run files); --memory-limit sets or lifts the limit.
 */
@Tag("native")
class MemoryLimitTest {
    @TempDir
    Path dir;

    @Test
    void trainOverTheLimitIsRefusedBeforeAnyWork() throws Exception {
        Path model = TestModels.synth(dir, "tiny", 1, GgmlType.F32, false, 3);
        Path run = dir.resolve("run");
        CliRunner.Result r = CliRunner.run("train", model.toString(), "--task", "synthetic-keywords", "--steps", "1",
                "--n-train", "16", "--n-dev", "4", "--n-test", "4", "--memory-limit", "16M", "--out", run.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("predicted peak memory") && r.err().contains("compute buffer")
                && r.err().contains("is over 16.0 MiB, --memory-limit 16M")
                && r.err().contains("the model and the runtime alone do not fit"), r.err());
        assertFalse(Files.exists(run.resolve("trajectory.jsonl")), "nothing written for a refused run");

        CliRunner.Result ok = CliRunner.run("train", model.toString(), "--task", "synthetic-keywords", "--steps", "1",
                "--n-train", "16", "--n-dev", "4", "--n-test", "4", "--memory-limit", "1T", "--out", run.toString());
        assertEquals(Main.EXIT_OK, ok.exitCode(), ok.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> sum = (Map<String, Object>) Json.parse(Files.readString(run.resolve("summary.json")));
        long predicted = ((Number) sum.get("predicted_peak_rss_bytes")).longValue();
        long parts = Files.size(model) + ((Number) sum.get("compute_buffer_bytes")).longValue();
        assertTrue(predicted > parts, "the prediction holds the file and the run's real compute buffer: " + sum);
    }

    @Test
    void benchRefusesAShapeLargerThanTheMachineBeforeBuildingIt() {
        Memory.Limit here = Memory.machineLimit();
        Assumptions.assumeTrue(here != null && here.bytes() < 120L << 30, "this machine could hold a 65B F16 model");
        CliRunner.Result r = CliRunner.run("bench", "--shape", "llama-65b", "--type", "f16", "--batch", "1", "--seq", "8",
                "--device", "cpu");
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("predicted peak memory") && r.err().contains(here.source()), r.err());
        // Had it built the 124 GB of values first, the OOM killer would have ended this JVM.
    }

    @Test
    void badLimitAndThreadsAreClearErrors() {
        CliRunner.Result r = CliRunner.run("bench", "--shape", "llama-7b", "--layers", "1", "--memory-limit", "12X");
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("--memory-limit '12X'"), r.err());
        for (String t : new String[] {"0", "513"}) {
            CliRunner.Result b = CliRunner.run("bench", "--shape", "llama-7b", "--layers", "1", "--threads", t);
            assertEquals(Main.EXIT_BAD_INPUT, b.exitCode(), b.err());
            assertTrue(b.err().contains("--threads must be 1 to 512"), b.err());
        }
    }

    @Test
    void infoSaysWhetherTheRunFitsHere() {
        Assumptions.assumeTrue(Memory.machineLimit() != null, "no memory figure on this machine");
        CliRunner.Result small = CliRunner.run("info", "--shape", "llama-7b", "--layers", "1", "--type", "f16", "--no-tensors");
        assertEquals(Main.EXIT_OK, small.exitCode(), small.err());
        assertTrue(small.out().contains("here           fits:"), small.out());
    }
}
