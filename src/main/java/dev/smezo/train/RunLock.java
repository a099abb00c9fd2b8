package dev.smezo.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One writer per run directory: an OS lock on {@code .smezo.lock} inside it, held while a run writes
 * there. The kernel drops the lock when the process dies, so a killed run never blocks its own
 * resume; the file keeps the holder's pid so a refused second run can name it.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = ".smezo.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (which must exist) for this process.
     *
     * @throws InUseException naming the directory and the holder's pid when another run holds it
     */
    public static RunLock acquire(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;   // this very process holds it (another run in the same JVM)
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            String holder = holder(ch);
            ch.close();
            throw inUse(dir, holder);
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        ch.force(false);
        return new RunLock(ch, l);
    }

    /** Refuses, as {@link #acquire} would, when another run holds {@code dir} now; locks nothing. */
    public static void requireFree(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve(FILE))) acquire(dir).close();
    }

    private static String holder(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        ch.read(b, 0);
        String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
        return s.matches("\\d+") ? s : "unknown";
    }

    /** Another run holds the directory: bad input to this run (exit 3), named with the holder's pid. */
    public static final class InUseException extends IllegalArgumentException {
        InUseException(String message) {
            super(message);
        }
    }

    private static InUseException inUse(Path dir, String pid) {
        return new InUseException(dir + ": in use by another smezo run (pid " + pid + ", lock " + dir.resolve(FILE)
                + "); one run writes a directory at a time: wait for it to end or stop it, then --resume " + dir);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
