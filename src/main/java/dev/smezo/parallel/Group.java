package dev.smezo.parallel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The processes a run is spread over: one (a plain run), or the ranks of an MPI job. Ranks exchange
 * only small messages (a step's losses, a start-up description), with one collective: every rank
 * gets every rank's bytes, in rank order. Every rank must make the same calls in the same order.
 */
public interface Group extends AutoCloseable {
    int rank();

    int size();

    /** Every rank's {@code mine}, in rank order (collective; the lengths may differ by rank). */
    byte[][] allGather(byte[] mine);

    /** Ends every rank of the job with {@code code} (a rank that failed alone must not leave the others waiting). */
    void abort(int code);

    /** Bytes this rank has sent and nanoseconds it has spent in collectives (the benchmark's communication cost). */
    Traffic traffic();

    @Override
    void close();

    /** What a rank has exchanged so far. */
    record Traffic(long calls, long bytesSent, long bytesReceived, long nanos) {
        public Traffic plus(Traffic o) {
            return new Traffic(calls + o.calls, bytesSent + o.bytesSent, bytesReceived + o.bytesReceived, nanos + o.nanos);
        }

        public Traffic minus(Traffic o) {
            return new Traffic(calls - o.calls, bytesSent - o.bytesSent, bytesReceived - o.bytesReceived, nanos - o.nanos);
        }
    }

    /** Is this rank 0 (the one that writes the run directory)? */
    default boolean leader() {
        return rank() == 0;
    }

    /** Every rank's doubles, concatenated in rank order (each rank may give a different count). */
    default double[] allGatherDoubles(double[] mine) {
        ByteBuffer b = ByteBuffer.allocate(8 * mine.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : mine) b.putDouble(d);   // the raw bits: NaN payloads and -0.0 survive
        byte[][] all = allGather(b.array());
        int n = 0;
        for (byte[] a : all) n += a.length / 8;
        double[] out = new double[n];
        int k = 0;
        for (byte[] a : all) {
            ByteBuffer r = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
            while (r.hasRemaining()) out[k++] = r.getDouble();
        }
        return out;
    }

    /** The first of {@code n} items rank r handles when items are split into contiguous shares (sizes differ by at most one). */
    static int shareStart(int n, int rank, int size) {
        return (int) ((long) n * rank / size);
    }

    /** One process: the collectives return this rank's bytes. */
    static Group single() {
        return new Group() {
            @Override
            public int rank() {
                return 0;
            }

            @Override
            public int size() {
                return 1;
            }

            @Override
            public byte[][] allGather(byte[] mine) {
                return new byte[][] {mine.clone()};
            }

            @Override
            public void abort(int code) {
                Runtime.getRuntime().halt(code);
            }

            @Override
            public Traffic traffic() {
                return new Traffic(0, 0, 0, 0);
            }

            @Override
            public void close() {}
        };
    }
}
