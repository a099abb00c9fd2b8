package dev.smezo.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.gguf.GgmlType;
import dev.smezo.gguf.Gguf;
import dev.smezo.gguf.GgufValue;
import dev.smezo.json.Json;
import dev.smezo.testing.TestModels;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs an adversarial probe found (each once crashed the JVM in a ggml/libllama assertion, gave an
 * internal error, destroyed a file or reported success): each is now a clear error with its exit code,
 * and nothing is half-written or lost.
 */
@org.junit.jupiter.api.Tag("native")
class BadInputTest {
    @TempDir
    Path dir;

    Path tiny() {
        return TestModels.synth(dir, "tiny", 1, GgmlType.F32, false, 3);
    }

    /** A short train command; {@code more} adds options or overrides the defaults (a flag is an option without a value). */
    static List<String> trainArgs(Path model, Path out, String... more) {
        Map<String, String> o = new java.util.LinkedHashMap<>(Map.of("--task", "synthetic-keywords", "--steps", "2",
                "--n-train", "16", "--n-dev", "4", "--n-test", "4", "-t", "2", "--out", out.toString()));
        for (int i = 0; i < more.length; i++) {
            boolean flag = i + 1 == more.length || more[i + 1].startsWith("--");
            o.put(more[i], flag ? null : more[++i]);
        }
        List<String> a = new ArrayList<>(List.of("train", model.toString()));
        o.forEach((k, v) -> {
            a.add(k);
            if (v != null) a.add(v);
        });
        return a;
    }

    static CliRunner.Result run(List<String> args) {
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void repeatedVocabularyTokenIsNamedNotAnAbort() throws Exception {
        // libllama asserts every token distinct; as C strings, so a token cut at a NUL byte can repeat another.
        for (String repeat : new String[] {"dup", "nul"}) {
            Path bad = TestModels.variant(dir, tiny(), repeat, w -> {
                List<String> tokens = new ArrayList<>();
                try (Arena a = Arena.ofConfined()) {
                    for (GgufValue v : Gguf.open(tiny(), a).metadata().get("tokenizer.ggml.tokens").asArray().values()) {
                        tokens.add(v.asString());
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                tokens.set(308, repeat.equals("dup") ? tokens.get(300) : tokens.get(300) + "\0x");
                w.put("tokenizer.ggml.tokens", GgufValue.ofStringArray(tokens));
            }, null);
            CliRunner.Result r = CliRunner.run("score", bad.toString(), "--text", "hello");
            assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
            assertTrue(r.err().contains(repeat + ".gguf") && r.err().contains("tokenizer.ggml.tokens")
                    && r.err().contains("token 308 repeats token 300"), r.err());
        }
    }

    @Test
    void outputsReplaceOnlyRegularFiles() throws Exception {
        Path fifo = dir.resolve("fifo");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        CliRunner.Result r = CliRunner.run("synth", "-o", fifo.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("not a regular file"), r.err());
        assertFalse(Files.isRegularFile(fifo), "the FIFO is still a FIFO");
        CliRunner.Result d = CliRunner.run("synth", "-o", dir.toString());
        assertEquals(Main.EXIT_BAD_INPUT, d.exitCode(), d.err());
        assertTrue(d.err().contains("a directory"), d.err());
        // Through a symbolic link: the file it names is replaced, the link stays a link.
        Path target = dir.resolve("target.gguf"), link = dir.resolve("link.gguf");
        Files.writeString(target, "old");
        Files.createSymbolicLink(link, target);
        assertEquals(Main.EXIT_OK, CliRunner.run("synth", "-o", link.toString()).exitCode());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("GGUF", new String(Files.readAllBytes(target), 0, 4));
    }

    @Test
    void aNewRunNeverLandsOnAnotherRunOrUnrelatedFiles() throws Exception {
        Path run = dir.resolve("run");
        assertEquals(Main.EXIT_OK, run(trainArgs(tiny(), run)).exitCode());
        byte[] first = Files.readAllBytes(run.resolve("model.gguf"));
        CliRunner.Result again = run(trainArgs(tiny(), run, "--lr", "1e-2"));
        assertEquals(Main.EXIT_USAGE, again.exitCode(), again.err());
        assertTrue(again.err().contains("holds a run already") && again.err().contains("--resume"), again.err());
        assertArrayEquals(first, Files.readAllBytes(run.resolve("model.gguf")), "the first run is untouched");
        assertEquals(Main.EXIT_OK, run(trainArgs(tiny(), run, "--lr", "1e-2", "--overwrite")).exitCode());

        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "mine");
        CliRunner.Result r = run(trainArgs(tiny(), other));
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertTrue(r.err().contains("is not empty"), r.err());
        CliRunner.Result f = run(trainArgs(tiny(), other.resolve("notes.txt")));
        assertEquals(Main.EXIT_BAD_INPUT, f.exitCode(), f.err());
        assertTrue(f.err().contains("exists and is not a directory"), f.err());
    }

    @Test
    void resumeRefusesChangedOptionsButAcceptsTheSameCommand() throws Exception {
        Path run = dir.resolve("run");
        assertEquals(Main.EXIT_OK, run(trainArgs(tiny(), run)).exitCode());
        CliRunner.Result changed = run(trainArgs(tiny(), run, "--lr", "1", "--steps", "3", "--resume", run.toString()));
        assertEquals(Main.EXIT_USAGE, changed.exitCode(), changed.err());
        assertTrue(changed.err().contains("--lr 1.0 (the run has 3.0E-4)"), changed.err());   // --lr auto on a tiny model
        CliRunner.Result same = run(trainArgs(tiny(), run, "--steps", "3", "--resume", run.toString()));
        assertEquals(Main.EXIT_OK, same.exitCode(), same.err());
    }

    @Test
    void trajectoryThatCannotBeReplayedFaithfullyIsRefused() throws Exception {
        Path run = dir.resolve("run");
        assertEquals(Main.EXIT_OK, run(trainArgs(tiny(), run, "--method", "mezo", "--lr", "1e-3")).exitCode());
        Path traj = run.resolve("trajectory.jsonl");
        List<String> lines = Files.readAllLines(traj);
        // Another base model (same family, two layers): its tensors differ from the run's.
        Path other = TestModels.synth(dir, "tiny", 2, GgmlType.F32, false, 3);
        CliRunner.Result wrongBase = CliRunner.run("replay", other.toString(), traj.toString(), "-o", dir.resolve("x.gguf").toString());
        assertEquals(Main.EXIT_BAD_INPUT, wrongBase.exitCode(), wrongBase.err());
        assertTrue(wrongBase.err().contains("the run was made on") && wrongBase.err().contains("parameters"), wrongBase.err());
        // An applied step whose g is gone would have written NaN into every trained weight.
        Path noG = dir.resolve("no-g.jsonl");
        Files.writeString(noG, lines.get(0) + "\n" + lines.get(1).replaceAll("\"g\":[^,]+,", "") + "\n");
        CliRunner.Result r = CliRunner.run("replay", tiny().toString(), noG.toString(), "-o", dir.resolve("y.gguf").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("no-g.jsonl: line 2: g null"), r.err());
        // A config value of the wrong type names the key instead of a ClassCastException.
        Path badType = dir.resolve("bad-type.jsonl");
        Files.writeString(badType, lines.get(0).replace("\"train_norms\":false", "\"train_norms\":\"yes\"") + "\n");
        CliRunner.Result t = CliRunner.run("replay", tiny().toString(), badType.toString(), "-o", dir.resolve("z.gguf").toString());
        assertEquals(Main.EXIT_BAD_INPUT, t.exitCode(), t.err());
        assertTrue(t.err().contains("bad-type.jsonl: line 1: config: train_norms"), t.err());
        assertFalse(Files.exists(dir.resolve("x.gguf")) || Files.exists(dir.resolve("y.gguf")) || Files.exists(dir.resolve("z.gguf")));
    }

    @Test
    void overflowingUpdatesAreADivergenceAndWriteNoCheckpoint() throws Exception {
        Path run = dir.resolve("run");
        CliRunner.Result r = run(trainArgs(tiny(), run, "--method", "mezo", "--lr", "1e38", "--steps", "4"));
        assertEquals(Main.EXIT_DIVERGED, r.exitCode(), r.err());
        assertTrue(r.err().contains("non-finite values") && r.err().contains("model.gguf not written"), r.err());
        assertFalse(Files.exists(run.resolve("model.gguf")));
    }

    @Test
    void nonFiniteScoresAreJsonNull() throws Exception {
        Path nan = TestModels.withNanOutputNorm(dir, tiny(), "nan-norm");
        CliRunner.Result r = CliRunner.run("score", nan.toString(), "--text", "hello there", "--json");
        assertEquals(Main.EXIT_OK, r.exitCode(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) Json.parse(r.out().strip());
        assertTrue(j.containsKey("perplexity") && j.get("perplexity") == null, r.out());
    }

    @Test
    void unclearInputsNameTheirCause() throws Exception {
        CliRunner.Result d = CliRunner.run("score", dir.toString(), "--text", "hi");
        assertEquals(Main.EXIT_BAD_INPUT, d.exitCode(), d.err());
        assertTrue(d.err().contains("a directory, not a GGUF file"), d.err());
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "ab\ncaf\u00e9".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        CliRunner.Result u = CliRunner.run("score", tiny().toString(), "--file", latin1.toString());
        assertEquals(Main.EXIT_BAD_INPUT, u.exitCode(), u.err());
        assertTrue(u.err().contains("latin1.txt: not UTF-8 text: byte offset 6 (line 2)"), u.err());
        CliRunner.Result b = CliRunner.run("info", tiny().toString(), "--batch", "0");
        assertEquals(Main.EXIT_BAD_INPUT, b.exitCode(), b.err());
        assertTrue(b.err().contains("--batch must be >= 1: 0"), b.err());
        CliRunner.Result s = run(trainArgs(tiny(), dir.resolve("s"), "--schedule", "bogus"));
        assertTrue(s.exitCode() == Main.EXIT_BAD_INPUT && s.err().contains("unknown --schedule 'bogus'"), s.err());
        CliRunner.Result o = run(trainArgs(tiny(), dir.resolve("o"), "--only", "["));
        assertTrue(o.exitCode() == Main.EXIT_BAD_INPUT && o.err().contains("--only '[' is not a regular expression"), o.err());
        CliRunner.Result n = run(trainArgs(tiny(), dir.resolve("n"), "--n-train", "-1"));
        assertTrue(n.exitCode() == Main.EXIT_BAD_INPUT && n.err().contains("--n-train must be >= 0: -1"), n.err());
        CliRunner.Result l = CliRunner.run("info", "--shape", "tiny", "--layers", "2147483647", "--no-tensors");
        assertTrue(l.exitCode() == Main.EXIT_BAD_INPUT && l.err().contains("layers must be 1 to 1024"), l.err());
        assertFalse(Files.exists(dir.resolve("s")) || Files.exists(dir.resolve("o")) || Files.exists(dir.resolve("n")),
                "a refused run leaves no directory");
    }

    @Test
    void aQuantizedModelPlansAndTrainsItsScalesAndNorms() throws Exception {
        // The memory plan once assumed float matrices and refused what --train-norms makes trainable;
        // the 16 Q4_0 matrices train their scales, --train-norms adds the 5 F32 norms.
        CliRunner.Result info = CliRunner.run("info", "--shape", "tiny", "--type", "q4_0", "--no-tensors");
        assertEquals(Main.EXIT_OK, info.exitCode(), info.err());
        Path q4 = dir.resolve("q4.gguf");
        assertEquals(Main.EXIT_OK, CliRunner.run("synth", "--type", "q4_0", "--vocab", "301", "-o", q4.toString()).exitCode());
        CliRunner.Result r = run(trainArgs(q4, dir.resolve("run"), "--train-norms"));
        assertEquals(Main.EXIT_OK, r.exitCode(), r.err());
        assertTrue(r.err().contains("training 21 tensors"), r.err());
        assertTrue(r.err().contains("q4_0 (d): 16 tensors") && r.err().contains("f32: 5 tensors"), r.err());
    }

    @Test
    void runsAreRebuiltOnlyFromTheirOwnBase() throws Exception {
        Path run = dir.resolve("run");
        assertEquals(Main.EXIT_OK, run(trainArgs(tiny(), run, "--method", "mezo", "--lr", "1e-3")).exitCode());
        Path traj = run.resolve("trajectory.jsonl");
        // Same shape, other weights: counts match, the fingerprint does not.
        Path twin = TestModels.synth(dir, "tiny", 1, GgmlType.F32, false, 4);
        CliRunner.Result resumed = run(trainArgs(twin, run, "--method", "mezo", "--lr", "1e-3", "--steps", "3",
                "--resume", run.toString()));
        assertEquals(Main.EXIT_BAD_INPUT, resumed.exitCode(), resumed.err());
        assertTrue(resumed.err().contains("same shape but other weights"), resumed.err());
        CliRunner.Result replayed = CliRunner.run("replay", twin.toString(), traj.toString(), "-o", dir.resolve("t.gguf").toString());
        assertEquals(Main.EXIT_BAD_INPUT, replayed.exitCode(), replayed.err());
        // Replaying over its own input would replace the base (or the log) it reads.
        Path base = Files.copy(tiny(), dir.resolve("base.gguf"));
        byte[] before = Files.readAllBytes(base);
        for (Path out : List.of(base, traj)) {
            CliRunner.Result r = CliRunner.run("replay", base.toString(), traj.toString(), "-o", out.toString());
            assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
            assertTrue(r.err().contains("is the input"), r.err());
        }
        assertArrayEquals(before, Files.readAllBytes(base));
        assertEquals(Main.EXIT_OK, CliRunner.run("replay", base.toString(), traj.toString(), "-o",
                dir.resolve("ok.gguf").toString()).exitCode());
        assertArrayEquals(Files.readAllBytes(run.resolve("model.gguf")), Files.readAllBytes(dir.resolve("ok.gguf")));
    }

    @Test
    void aBatchLargerThanTheTrainingSetIsRefused() {
        CliRunner.Result r = run(trainArgs(tiny(), dir.resolve("run"), "--batch", "100000"));
        assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("--batch 100000 is more than the 16 training examples"), r.err());
    }
}
