package dev.smezo.forward;

import dev.smezo.ggml.Backend;
import dev.smezo.ggml.CpuBackend;
import dev.smezo.ggml.CudaBackend;
import dev.smezo.ggml.DeviceWeights;
import dev.smezo.ggml.WeightTensors;
import dev.smezo.model.Weights;
import java.util.Locale;

/**
 * Where a model's weights live and its graphs run. On the CPU the ggml tensors are the memory Java
 * owns (no copy, nothing to synchronize). On CUDA the weights are uploaded once and updated in place
 * on the device; {@link #toHost} brings them back into the Java memory when the host needs them
 * (checkpoints, threshold refreshes, the trained-fraction count).
 */
public final class Placement implements AutoCloseable {
    private final Backend backend;
    private final WeightTensors tensors;
    private final DeviceWeights device;   // null on the CPU
    private final String description;
    private final long deviceBaselineBytes;

    private Placement(Backend backend, WeightTensors tensors, DeviceWeights device, String description,
                      long deviceBaselineBytes) {
        this.backend = backend;
        this.tensors = tensors;
        this.device = device;
        this.description = description;
        this.deviceBaselineBytes = deviceBaselineBytes;
    }

    /**
     * @param device {@code cpu}, {@code cuda} (device 0; under an MPI launcher, {@link #localDevice}), {@code auto} (CUDA when this build has it and
     *               a device is present, else the CPU), or {@code cpu-copy}: the device path on the CPU,
     *               the weights copied into a separate CPU buffer as a GPU would hold them (uploaded once,
     *               updated there, brought back by {@link #toHost}), which checks that logic without a GPU
     */
    public static Placement open(String device, Weights weights, int threads) {
        if (device.equalsIgnoreCase("cpu-copy")) {
            CpuBackend cpu = new CpuBackend(threads);
            try {
                DeviceWeights copy = new DeviceWeights(weights, cpu.bufferType());
                return new Placement(cpu, copy, copy, "cpu-copy, " + threads + " threads", 0);
            } catch (RuntimeException | Error e) {
                cpu.close();
                throw e;
            }
        }
        if (!onCuda(device)) {
            CpuBackend cpu = new CpuBackend(threads);
            return new Placement(cpu, new BackendWeights(weights), null, "cpu, " + threads + " threads", 0);
        }
        CudaBackend gpu = new CudaBackend(localDevice(CudaBackend.deviceCount()));
        try {
            long baseline = gpu.memory().used();
            DeviceWeights dw = new DeviceWeights(weights, gpu.bufferType());
            return new Placement(gpu, dw, dw, "cuda: " + gpu.description(), baseline);
        } catch (RuntimeException | Error e) {
            gpu.close();
            throw e;
        }
    }

    /**
     * The CUDA device of this process: 0, or under an MPI launcher (mpirun, srun) with several devices
     * visible, the rank's index on its node modulo their count, so ranks on one node take one GPU each
     * (a launcher that sets CUDA_VISIBLE_DEVICES per rank leaves one visible: device 0).
     */
    static int localDevice(int devices) {
        if (devices <= 1) return 0;
        for (String v : new String[] {"OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID", "MPI_LOCALRANKID"}) {
            String s = System.getenv(v);
            if (s != null && s.matches("\\d+")) return Integer.parseInt(s) % devices;
        }
        return 0;
    }

    /**
     * Resolves {@code device} (cpu, cuda, auto) to whether it means CUDA, checking that it can: cheap,
     * so a command can fail before it builds a large model.
     *
     * @throws IllegalArgumentException for an unknown name, or cuda without a CUDA build or device
     */
    public static boolean onCuda(String device) {
        boolean cuda = switch (device.toLowerCase(Locale.ROOT)) {
            case "cpu", "cpu-copy" -> false;
            case "cuda" -> true;
            case "auto" -> CudaBackend.deviceCount() > 0;
            default -> throw new IllegalArgumentException("unknown --device '" + device + "' (cpu, cuda, auto, cpu-copy)");
        };
        if (cuda && CudaBackend.deviceCount() == 0) {
            throw new IllegalArgumentException("--device cuda: " + (CudaBackend.librariesPresent() ? "no CUDA device found"
                    : "this build has no CUDA libraries (build the native layer with SMEZO_CUDA=1 native/build.sh "
                    + "where nvcc and cuBLAS are installed; see native/cuda/README.md)"));
        }
        return cuda;
    }

    public Backend backend() {
        return backend;
    }

    public WeightTensors weights() {
        return tensors;
    }

    /** Device -> Java memory (no-op on the CPU, where they are the same memory). */
    public void toHost() {
        if (device != null) device.download();
    }

    /** Do the graphs run on a GPU? */
    public boolean onGpu() {
        return backend instanceof CudaBackend;
    }

    /** Bytes the separate weight copy takes (0 where the graphs read the Java memory itself). */
    public long deviceBytes() {
        return device == null ? 0 : device.deviceBytes();
    }

    /** Device memory in use (by every process) before the weights were uploaded: the CUDA context. 0 on the CPU. */
    public long deviceBaselineBytes() {
        return deviceBaselineBytes;
    }

    /**
     * Device memory in use now (by every process; 0 on the CPU). ggml-cuda keeps what its pools
     * once took, so after the work this is the peak of the work.
     */
    public long deviceUsedBytes() {
        return backend instanceof CudaBackend gpu ? gpu.memory().used() : 0;
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (tensors instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        backend.close();
    }
}
