package dev.smezo.cli;

import dev.smezo.train.Memory;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --memory-limit}, shared by the commands that allocate a training run: they predict its peak
 * (as {@code smezo info} does) and refuse to start above the limit, since past the machine's memory
 * the kernel would kill the run midway instead.
 */
final class MemoryLimitOption {
    @Option(names = "--memory-limit", defaultValue = "auto", paramLabel = "SIZE",
            description = "Refuse to start when the predicted peak memory is over SIZE (20G, 512M, ...; binary units). "
                    + "auto: this machine's memory plus swap, or the memory cgroup's limit where lower; none: no check "
                    + "(default: ${DEFAULT-VALUE}).")
    String limit;

    /** The limit to check against; null for none (or where auto finds no figure). */
    Memory.Limit resolve() {
        return switch (limit.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> Memory.machineLimit();
            case "none" -> null;
            default -> Memory.Limit.parse(limit, "--memory-limit");
        };
    }
}
