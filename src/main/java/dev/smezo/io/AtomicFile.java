package dev.smezo.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whole-file writes that leave either the complete new file or what was there before: a temp file
 * beside the target, synced, then renamed over it. They replace regular files only: a rename over
 * {@code /dev/null}, a FIFO or a directory would destroy it, so those are refused; a symbolic link is
 * written through (the file it names is replaced, the link stays).
 */
public final class AtomicFile {
    private AtomicFile() {}

    /**
     * The regular file a write to {@code out} replaces (absolute; through a symbolic link, the file
     * it names), after checking that it is one, or absent in an existing directory.
     *
     * @throws IOException naming {@code out} otherwise
     */
    public static Path target(Path out) throws IOException {
        Path p = out.toAbsolutePath().normalize();
        if (p.getFileName() == null) throw new IOException(out + ": not a file name");
        if (Files.isSymbolicLink(p)) {
            if (!Files.exists(p)) throw new IOException(out + ": a symbolic link to nothing (" + Files.readSymbolicLink(p) + ")");
            p = p.toRealPath();
        }
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                throw new IOException(out + ": exists and is " + (a.isDirectory() ? "a directory" : "not a regular file "
                        + "(a device, FIFO or socket)") + "; smezo writes only regular files");
            }
        }
        Path dir = p.getParent();
        if (!Files.isDirectory(dir)) throw new IOException(out + ": " + dir + " is not a directory");
        return p;
    }

    /** Writes what {@link #write} puts into its temp file; must leave it complete and synced. */
    @FunctionalInterface
    public interface Filler {
        void fill(Path tmp) throws IOException;
    }

    /**
     * Writes {@code out} atomically: {@code filler} fills a new temp file beside the target, which
     * is then renamed over it and the directory synced. On any failure, the filler's included, the
     * temp file is deleted and the target is what it was.
     */
    public static void write(Path out, Filler filler) throws IOException {
        Path target = target(out);
        Path tmp = createTemp(target);
        boolean moved = false;
        try {
            filler.fill(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            syncDirectory(target.getParent());
        } finally {
            if (!moved) deleteQuietly(tmp);
        }
    }

    /** Writes {@code content} (UTF-8) to {@code file} atomically. */
    public static void writeString(Path file, CharSequence content) throws IOException {
        try {
            write(file, tmp -> {
                Files.writeString(tmp, content, StandardCharsets.UTF_8);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            });
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);   // "No space left on device" alone names no file
        }
    }

    /**
     * Deletes the temp files a killed writer left in {@code dir} (".NAME.HEX.tmp", as {@link #write}
     * names them); returns how many. Call it only while no other process writes there (a run holds
     * its directory's lock).
     */
    public static int removeStaleTemps(Path dir) throws IOException {
        int n = 0;
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().matches("\\..+\\.[0-9a-f]{1,16}\\.tmp") && Files.isRegularFile(f)) {
                    Files.delete(f);
                    n++;
                }
            }
        }
        return n;
    }

    /** A new empty file beside {@code target}, with default permissions (Files.createTempFile's are 0600). */
    private static Path createTemp(Path target) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = target.resolveSibling("." + target.getFileName() + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) throw e;
            }
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // The original failure matters more; a stray temp file is named for what it is.
        }
    }

    /** Makes a rename durable; some file systems cannot sync a directory, which only weakens that. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // best effort
        }
    }
}
