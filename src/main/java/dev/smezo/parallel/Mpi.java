package dev.smezo.parallel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * MPI_COMM_WORLD through the system's Open MPI (libmpi.so.40), bound with FFM at run time: nothing
 * of MPI is bundled or needed at build time. The library is opened with RTLD_GLOBAL, as Open MPI's
 * plugins expect to find its symbols. Open MPI's handles are the addresses of its predefined objects
 * ({@code ompi_mpi_comm_world}, {@code ompi_mpi_byte}, {@code ompi_mpi_int}); MPICH's integer
 * handles are another ABI, which this class refuses with a clear message. {@code SMEZO_MPI_LIB}
 * names another library file.
 *
 * <p>Only the thread that joined calls MPI (MPI_THREAD_SINGLE is enough). Errors are MPI's
 * default, fatal: a failed collective ends the job.
 */
public final class Mpi implements Group {
    private static final int RTLD_NOW = 2, RTLD_GLOBAL = 0x100;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment comm, byteType, intType;
    private final MethodHandle allgather, allgatherv, abort, finalizeMpi;
    private final int rank, size;
    private long calls, sent, received, nanos;
    private boolean closed;

    private Mpi(String library) {
        SymbolLookup libc = LINKER.defaultLookup();
        MethodHandle dlopen = LINKER.downcallHandle(libc.find("dlopen").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, INT));
        MethodHandle dlerror = LINKER.downcallHandle(libc.find("dlerror").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS));
        MemorySegment handle;
        try {
            handle = (MemorySegment) dlopen.invokeExact(arena.allocateFrom(library), RTLD_NOW | RTLD_GLOBAL);
            if (handle.address() == 0) {
                MemorySegment e = (MemorySegment) dlerror.invokeExact();
                throw new IllegalStateException("MPI: cannot open " + library + ": "
                        + (e.address() == 0 ? "?" : e.reinterpret(4096).getString(0))
                        + " (install Open MPI, e.g. `apt-get install openmpi-bin`, or set SMEZO_MPI_LIB to its libmpi.so)");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("MPI: dlopen " + library, t);
        }
        SymbolLookup lib = SymbolLookup.libraryLookup(library, arena);   // the same, already loaded, object
        if (lib.find("ompi_mpi_comm_world").isEmpty()) {
            throw new IllegalStateException("MPI: " + library + " is not Open MPI (no ompi_mpi_comm_world); smezo binds Open MPI's ABI");
        }
        comm = lib.find("ompi_mpi_comm_world").get();
        byteType = lib.find("ompi_mpi_byte").orElseThrow();
        intType = lib.find("ompi_mpi_int").orElseThrow();
        var A = ValueLayout.ADDRESS;
        MethodHandle init = fn(lib, "MPI_Init", A, A);
        MethodHandle initialized = fn(lib, "MPI_Initialized", A);
        MethodHandle commRank = fn(lib, "MPI_Comm_rank", A, A);
        MethodHandle commSize = fn(lib, "MPI_Comm_size", A, A);
        allgather = fn(lib, "MPI_Allgather", A, INT, A, A, INT, A, A);
        allgatherv = fn(lib, "MPI_Allgatherv", A, INT, A, A, A, A, A, A);
        abort = fn(lib, "MPI_Abort", A, INT);
        finalizeMpi = fn(lib, "MPI_Finalize");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment flag = a.allocate(INT);
            check("MPI_Initialized", (int) initialized.invokeExact(flag));
            if (flag.get(INT, 0) == 0) check("MPI_Init", (int) init.invokeExact(MemorySegment.NULL, MemorySegment.NULL));
            MemorySegment out = a.allocate(INT);
            check("MPI_Comm_rank", (int) commRank.invokeExact(comm, out));
            rank = out.get(INT, 0);
            check("MPI_Comm_size", (int) commSize.invokeExact(comm, out));
            size = out.get(INT, 0);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("MPI: start-up failed", t);
        }
    }

    /** Joins the job this process was launched in (mpirun, srun), with SMEZO_MPI_LIB or Open MPI's libmpi.so.40. */
    public static Mpi join() {
        String lib = System.getenv("SMEZO_MPI_LIB");
        return new Mpi(lib != null && !lib.isBlank() ? lib : "libmpi.so.40");
    }

    /** Was this process started by an MPI launcher (Open MPI's mpirun, or srun / another PMI/PMIx launcher)? */
    public static boolean launched() {
        for (String v : List.of("OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE")) {
            if (System.getenv(v) != null) return true;
        }
        return false;
    }

    private static MethodHandle fn(SymbolLookup lib, String name, java.lang.foreign.MemoryLayout... args) {
        MemorySegment s = lib.find(name).orElseThrow(() -> new IllegalStateException("MPI: the library has no " + name));
        return LINKER.downcallHandle(s, FunctionDescriptor.of(INT, args));
    }

    private static void check(String what, int rc) {
        if (rc != 0) throw new IllegalStateException("MPI: " + what + " returned error " + rc);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public byte[][] allGather(byte[] mine) {
        long t0 = System.nanoTime();
        try (Arena a = Arena.ofConfined()) {
            // the lengths first, then the bytes at their offsets
            MemorySegment len = a.allocate(INT);
            len.set(INT, 0, mine.length);
            MemorySegment lens = a.allocate(INT, size);
            check("MPI_Allgather", (int) allgather.invokeExact(len, 1, intType, lens, 1, intType, comm));
            MemorySegment displs = a.allocate(INT, size);
            long total = 0;
            for (int r = 0; r < size; r++) {
                displs.setAtIndex(INT, r, (int) total);
                total += lens.getAtIndex(INT, r);
            }
            if (total > Integer.MAX_VALUE) throw new IllegalStateException("MPI: a gather of " + total + " bytes");
            MemorySegment send = a.allocate(Math.max(1, mine.length));
            MemorySegment.copy(mine, 0, send, ValueLayout.JAVA_BYTE, 0, mine.length);
            MemorySegment recv = a.allocate(Math.max(1, total));
            check("MPI_Allgatherv", (int) allgatherv.invokeExact(send, mine.length, byteType, recv, lens, displs, byteType, comm));
            byte[][] out = new byte[size][];
            for (int r = 0; r < size; r++) {
                out[r] = recv.asSlice(displs.getAtIndex(INT, r), lens.getAtIndex(INT, r)).toArray(ValueLayout.JAVA_BYTE);
            }
            calls++;
            sent += 4 + mine.length;
            received += 4L * size + total;
            return out;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("MPI: allgather", t);
        } finally {
            nanos += System.nanoTime() - t0;
        }
    }

    @Override
    public void abort(int code) {
        try {
            int ignored = (int) abort.invokeExact(comm, code);
        } catch (Throwable t) {
            // nothing left to do: the caller exits
        }
        Runtime.getRuntime().halt(code);
    }

    @Override
    public Traffic traffic() {
        return new Traffic(calls, sent, received, nanos);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            check("MPI_Finalize", (int) finalizeMpi.invokeExact());
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("MPI: finalize", t);
        }
    }

    /** For messages: "rank 1 of 4". */
    @Override
    public String toString() {
        return "rank " + rank + " of " + size;
    }
}
