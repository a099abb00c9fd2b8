package dev.smezo.train;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.smezo.cli.CliRunner;
import dev.smezo.gguf.GgmlType;
import dev.smezo.model.Model;
import dev.smezo.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk: a run on a small tmpfs with room for one checkpoint but not a second ends with exit 3 naming the directory and the bytes needed, leaves no temp file and the previous checkpoint intact, and once space is freed
 * (the tmpfs made larger) resumes to the uninterrupted run's checkpoint, byte for byte. Needs root
 * (mount); skipped with the reason elsewhere.
 */
@Tag("native")
class DiskFullTest {
    static List<String> args(Path model, Path out) {
        return new ArrayList<>(List.of("train", model.toString(), "--task", "synthetic-keywords", "--method", "smezo",
                "--lr", "1e-2", "--steps", "60", "--eval-every", "10", "--n-train", "64",
                "--n-dev", "16", "--n-test", "16", "--seed", "1", "-t", "2", "--out", out.toString()));
    }

    @Test
    void aFullDiskEndsWithExit3KeepsThePreviousCheckpointAndResumes(@TempDir Path dir) throws Exception {
        // seed 1: dev loss improves at step 10, so best.gguf is written then, and the next checkpoint
        // (a better best.gguf or the final model.gguf) finds no room beside it
        Path model = TestModels.synth(dir, "tiny", 2, GgmlType.F32, false, 1);
        Path whole = dir.resolve("whole");
        CliRunner.Result ok = CliRunner.run(args(model, whole).toArray(String[]::new));
        assertEquals(0, ok.exitCode(), ok.err());

        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        long room = Files.size(model) * 3 / 2;   // one checkpoint fits, a second beside it does not
        assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=" + room, "tmpfs", mnt.toString()) == 0,
                "skipped: cannot mount a tmpfs here (needs root)");
        try {
            Path run = mnt.resolve("run");
            CliRunner.Result full = CliRunner.run(args(model, run).toArray(String[]::new));
            assertEquals(3, full.exitCode(), full.err());
            // smezo checks the free space before it writes a checkpoint; ENOSPC mid-write is the fallback
            assertTrue(full.err().contains(run.toString())
                    && (full.err().contains("not enough space") || full.err().contains("No space left")), full.err());
            try (Stream<Path> files = Files.list(run)) {
                List<String> names = files.map(p -> p.getFileName().toString()).toList();
                assertTrue(names.stream().noneMatch(n -> n.endsWith(".tmp")), "temp files left: " + names);
                for (String ckpt : List.of(RunFiles.BEST, RunFiles.MODEL)) {
                    if (!names.contains(ckpt)) continue;
                    try (Model m = Model.open(run.resolve(ckpt))) {   // whole and valid, not torn
                        assertEquals(21, m.weights().entries().size(), ckpt + ": every tensor of the 2-layer model");
                    }
                }
                System.out.println("disk full: " + full.err().lines().filter(l -> l.contains("space")).findFirst()
                        .orElse("") + "; left " + names);
            }
            assertEquals(0, sh("mount", "-o", "remount,size=" + 16 * room, mnt.toString()));
            List<String> resume = args(model, run);
            resume.addAll(List.of("--resume", run.toString()));
            CliRunner.Result r = CliRunner.run(resume.toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(-1, Files.mismatch(whole.resolve(RunFiles.MODEL), run.resolve(RunFiles.MODEL)),
                    "resumed after the full disk, the checkpoint differs from the uninterrupted run's");
            assertEquals(-1, Files.mismatch(whole.resolve(RunFiles.BEST), run.resolve(RunFiles.BEST)), "best.gguf differs");
        } finally {
            sh("umount", mnt.toString());
        }
    }

    static int sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
