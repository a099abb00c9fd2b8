package dev.smezo.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A copy-on-write mapping of a file this process may only read. POSIX allows
 * {@code mmap(PROT_READ|PROT_WRITE, MAP_PRIVATE)} on a read-only descriptor, but FileChannel
 * demands a channel open for writing, so this goes to libc directly (Linux values). Also
 * anonymous memory that is reserved but not committed ({@link #reserve}).
 */
public final class PrivateMapping {
    private static final int O_RDONLY = 0, PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CAPTURE);
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle MMAP = downcall("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), CAPTURE);
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle STRERROR = downcall("strerror",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private PrivateMapping() {}

    private static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment fn = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(fn, fd, options);
    }

    /** Maps all of {@code path} privately in {@code arena}; unmapped when the arena closes. */
    static MemorySegment map(Path path, Arena arena) throws IOException {
        long size = Files.size(path);
        if (size == 0) return arena.allocate(0);
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment state = tmp.allocate(STATE);
            int fd = (int) OPEN.invokeExact(state, tmp.allocateFrom(path.toString()), O_RDONLY);
            if (fd < 0) throw error("open", path, state);
            try {
                MemorySegment addr = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, size,
                        PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0L);
                if (addr.address() == -1L) throw error("mmap", path, state);
                return addr.reinterpret(size, arena, PrivateMapping::unmap);
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd); // the mapping keeps the file open itself
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cannot map " + path + " privately", t);
        }
    }

    /**
     * {@code size} bytes of zeroed anonymous memory that cost nothing until written (MAP_NORESERVE,
     * no swap reserved up front; pages are committed as they are first written). Unmapped when the
     * arena closes.
     *
     * @throws IllegalArgumentException when the system refuses the address space
     */
    public static MemorySegment reserve(long size, Arena arena) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment state = tmp.allocate(STATE);
            MemorySegment addr = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, size,
                    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
            if (addr.address() == -1L) {
                int errno = (int) ERRNO.get(state, 0L);
                MemorySegment msg = ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(1024);
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "cannot reserve %,d bytes of address space: %s (errno %d); a limit on virtual memory "
                                + "(ulimit -v) or strict overcommit (vm.overcommit_memory=2) refuses it",
                        size, msg.getString(0), errno));
            }
            return addr.reinterpret(size, arena, PrivateMapping::unmap);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot reserve " + size + " bytes", t);
        }
    }

    private static void unmap(MemorySegment seg) {
        try {
            int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(seg.address()), seg.byteSize());
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }

    private static IOException error(String call, Path path, MemorySegment state) throws Throwable {
        int errno = (int) ERRNO.get(state, 0L);
        MemorySegment msg = ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(1024);
        return new IOException(call + " " + path + ": " + msg.getString(0) + " (errno " + errno + ")");
    }
}
