package dev.smezo.cli;

import dev.smezo.ggml.CudaBackend;
import dev.smezo.nativelib.NativeLibraries;
import dev.smezo.perturb.NativeKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code smezo --version} prints: the version, the llama.cpp/ggml source the native libraries
 * were built from and how (native/build.sh's build-info.txt), the CPU backend variant and libsmezo
 * instruction set in use, and whether CUDA is there.
 */
final class VersionInfo implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        List<String> lines = new ArrayList<>();
        String v = Main.class.getPackage().getImplementationVersion();
        lines.add("smezo " + (v == null ? "dev" : v));
        try {
            Map<String, String> build = buildInfo(NativeLibraries.directory());
            lines.add("llama.cpp " + build.getOrDefault("llama.cpp", "?") + " (ggml " + build.getOrDefault("ggml", "?")
                    + "), " + build.getOrDefault("flavour", "native") + " build");
            lines.add("cpu: " + NativeLibraries.cpuVariant() + " (ggml CPU backend), kernels: "
                    + NativeKernels.isaName(NativeKernels.isa()) + " (libsmezo)");
            lines.add("cuda: " + cuda());
        } catch (RuntimeException e) {
            lines.add("native libraries: not loaded (" + e.getMessage() + ")");
        }
        lines.add("java: " + Runtime.version() + " (" + System.getProperty("java.home") + ")");
        return lines.toArray(String[]::new);
    }

    private static String cuda() {
        try {
            if (!CudaBackend.librariesPresent()) return "not in this build";
            int n = CudaBackend.deviceCount();
            return n > 0 ? "available, " + n + " device" + (n == 1 ? "" : "s") : "in this build, no device visible";
        } catch (RuntimeException e) {
            return "in this build, unavailable: " + e.getMessage();
        }
    }

    /** key value lines; empty when the file is missing (an older build). */
    static Map<String, String> buildInfo(Path dir) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            Path f = dir.resolve(NativeLibraries.BUILD_INFO);
            if (!Files.isRegularFile(f)) return out;
            for (String line : Files.readAllLines(f)) {
                int sp = line.indexOf(' ');
                if (sp > 0) out.put(line.substring(0, sp), line.substring(sp + 1).strip());
            }
        } catch (IOException e) {
            out.put("error", e.getMessage());
        }
        return out;
    }
}
