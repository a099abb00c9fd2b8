package dev.smezo.train;

import dev.smezo.io.AtomicFile;
import dev.smezo.json.Json;
import dev.smezo.nativelib.NativeLibraries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The files of a run directory, and atomic whole-file writes (temp file + rename). */
public final class RunFiles {
    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String SUMMARY = "summary.json";
    public static final String MODEL = "model.gguf";
    public static final String BEST = "best.gguf";
    public static final String PLOT = "curves.svg";

    private RunFiles() {}

    public static void writeAtomically(Path file, String content) throws IOException {
        AtomicFile.writeString(file, content);
    }

    public static void writeJson(Path file, Object value) throws IOException {
        writeAtomically(file, Json.write(value) + "\n");
    }

    /** The SHA-256 of a file's bytes, in hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);   // every JDK has SHA-256
        }
    }

    /**
     * Which code this process runs, for ranks to compare: the jar's SHA-256 (or "classes" when run from a
     * build tree) and the native build's description (the llama.cpp source and build flags).
     */
    public static String codeVersion() throws IOException {
        String code = "classes";
        try {
            Path where = Path.of(RunFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(where)) code = "jar " + sha256(where);
        } catch (java.net.URISyntaxException | SecurityException | NullPointerException e) {
            code = "unknown";
        }
        Path info = NativeLibraries.directory().resolve(NativeLibraries.BUILD_INFO);
        return code + ", native " + (Files.isRegularFile(info) ? sha256(info) : "unknown");
    }
}
