package dev.smezo.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-file distribution's self-unpacking header (native/dist/stub.sh, assembled by pack.sh exactly
 * as `smezo dist` does) on a small tree whose bin/smezo is a script: it unpacks once into a
 * content-addressed cache and later runs from there without reading the payload; a truncated or corrupt
 * file, or a cache it cannot write, ends with exit 3 and a message, and never leaves a directory a later
 * run trusts. The real tree (Java runtime, natives) is checked by benchmarks/dist/check.sh.
 */
class OneFileTest {
    private static final Path PACK = Path.of("native/dist/pack.sh").toAbsolutePath();

    @TempDir Path tmp;
    private Path artifact;
    private Path cache;

    record Run(int code, String out) {}

    @BeforeEach
    void pack() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("stage/smezo-t/bin"));
        Files.writeString(tree.resolve("smezo"), "#!/bin/sh\necho \"ran: $*\"\n[ \"$1\" = fail ] && exit 7\nexit 0\n");
        Files.setPosixFilePermissions(tree.resolve("smezo"), PosixFilePermissions.fromString("rwxr-xr-x"));
        byte[] blob = new byte[3 << 20];   // incompressible, so unpacking takes a moment (the kill test)
        new Random(1).nextBytes(blob);
        Files.write(tree.getParent().resolve("blob"), blob);
        Run r = sh(List.of(PACK.toString(), tmp.resolve("stage").toString(), "smezo-t", "9.9", tmp.resolve("out").toString()));
        assertEquals(0, r.code, r.out);
        artifact = tmp.resolve("out/smezo-t");
        cache = tmp.resolve("cache");
    }

    private Run run(Path file, Path cacheDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(file.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SMEZO_CACHE", cacheDir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    private static Run sh(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return new Run(p.exitValue(), out);
    }

    private List<Path> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    private Path unpacked() throws IOException {
        List<Path> e = entries(cache.resolve("dist"));
        assertEquals(1, e.size(), "one tree in the cache: " + e);
        return e.get(0);
    }

    @Test
    void firstRunUnpacksLaterRunsStartFromTheCacheWithoutReadingThePayload() throws Exception {
        Run first = run(artifact, cache, "info", "a b");
        assertEquals(0, first.code, first.out);
        assertEquals("ran: info a b\n", first.out);
        Path tree = unpacked();
        assertTrue(tree.getFileName().toString().startsWith("smezo-t-"), tree.toString());
        assertTrue(Files.isRegularFile(tree.resolve(".complete")));
        assertTrue(Files.isRegularFile(tree.resolve("blob")));
        // Spoil the payload: a warm start must not notice, since it never reads it again.
        corrupt(artifact);
        Run second = run(artifact, cache, "fail");
        assertEquals(7, second.code, "the tree's exit code comes through: " + second.out);
        assertEquals("ran: fail\n", second.out);
        assertEquals(tree, unpacked());
    }

    @Test
    void aTruncatedFileIsRefusedAndLeavesNothing() throws Exception {
        Path cut = tmp.resolve("cut");
        byte[] all = Files.readAllBytes(artifact);
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        Files.setPosixFilePermissions(cut, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run r = run(cut, cache);
        assertEquals(3, r.code, r.out);
        assertTrue(r.out.contains("is truncated") && r.out.contains("download it again"), r.out);
        assertEquals(List.of(), entries(cache.resolve("dist")));
        // Cut near the end, deep in the payload: the header knows the whole file's size.
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 1000));
        r = run(cut, cache);
        assertEquals(3, r.code, r.out);
        assertTrue(r.out.contains("is truncated (" + (all.length - 1000) + " bytes of " + all.length + ")"), r.out);
        assertEquals(List.of(), entries(cache.resolve("dist")));
        // A byte too many (two downloads appended, say) is not trusted either.
        Files.write(cut, java.util.Arrays.copyOf(all, all.length + 1));
        r = run(cut, cache);
        assertEquals(3, r.code, r.out);
        assertTrue(r.out.contains("is corrupt (" + (all.length + 1) + " bytes, 1 more"), r.out);
        assertEquals(List.of(), entries(cache.resolve("dist")));
    }

    @Test
    void aCorruptFileIsRefusedAndLeavesNothing() throws Exception {
        corrupt(artifact);
        Run r = run(artifact, cache);
        assertEquals(3, r.code, r.out);
        assertTrue(r.out.contains("is corrupt (payload sha256"), r.out);
        assertEquals(List.of(), entries(cache.resolve("dist")), "no tree and no temporary directory");
    }

    @Test
    void aCacheThatCannotBeWrittenIsNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        Run r = run(artifact, file.resolve("cache"));
        assertEquals(3, r.code, r.out);
        assertTrue(r.out.contains("cannot write the cache directory " + file.resolve("cache/dist")), r.out);
        assertTrue(r.out.contains("SMEZO_CACHE"), r.out);
    }

    @Test
    void aLeftoverIncompleteDirectoryIsReplacedNotTrusted() throws Exception {
        assertEquals(0, run(artifact, cache).code);
        Path tree = unpacked();
        Files.delete(tree.resolve(".complete"));
        Files.delete(tree.resolve("bin/smezo"));   // a half tree: trusting it would fail
        Run r = run(artifact, cache, "x");
        assertEquals(0, r.code, r.out);
        assertEquals("ran: x\n", r.out);
        assertTrue(Files.isRegularFile(tree.resolve(".complete")));
    }

    @Test
    void concurrentFirstRunsAllSucceedWithOneTree() throws Exception {
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ProcessBuilder pb = new ProcessBuilder(artifact.toString(), "n" + i).redirectErrorStream(true);
            pb.environment().put("SMEZO_CACHE", cache.toString());
            ps.add(pb.start());
        }
        for (int i = 0; i < ps.size(); i++) {
            String out = new String(ps.get(i).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(ps.get(i).waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, ps.get(i).exitValue(), out);
            assertEquals("ran: n" + i + "\n", out);
        }
        unpacked();
        assertTrue(Files.isRegularFile(unpacked().resolve(".complete")));
    }

    @Test
    void aRunKilledWhileUnpackingNeverLeavesATrustedHalfTree() throws Exception {
        for (int delayMs : new int[] {5, 30, 80, 150}) {
            deleteTree(cache);
            ProcessBuilder pb = new ProcessBuilder(artifact.toString()).redirectErrorStream(true);
            pb.environment().put("SMEZO_CACHE", cache.toString());
            Process p = pb.start();
            Thread.sleep(delayMs);
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
            for (Path e : entries(cache.resolve("dist"))) {
                boolean temp = e.getFileName().toString().startsWith(".");
                assertTrue(temp || Files.isRegularFile(e.resolve(".complete")), "an untrusted tree under its key: " + e);
            }
            Run r = run(artifact, cache, "after");
            assertEquals(0, r.code, r.out);
            assertEquals("ran: after\n", r.out);
        }
    }

    /** Flips a byte well inside the payload (its last quarter). */
    private static void corrupt(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long at = f.length() - f.length() / 4;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5A);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> w = Files.walk(p)) {
            for (Path q : w.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
        assertFalse(Files.exists(p));
    }
}
