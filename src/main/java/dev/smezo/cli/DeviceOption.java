package dev.smezo.cli;

import picocli.CommandLine.Option;

/** {@code --device}, shared by the commands that can run on a GPU (see {@link dev.smezo.forward.Placement}). */
final class DeviceOption {
    @Option(names = "--device", defaultValue = "auto",
            description = "cpu, cuda or auto: CUDA when this build has it and a GPU is present (default: ${DEFAULT-VALUE}). "
                    + "Results do not depend on it: the noise, masks and updates are bit-identical. (cpu-copy runs the "
                    + "GPU path's logic on the CPU, over a separate copy of the weights: a check.)")
    String device;
}
