package dev.smezo.gguf;

import dev.smezo.model.Model;
import dev.smezo.model.ModelException;
import dev.smezo.testing.Fuzzing;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Fuzz target (Jazzer, see dev.smezo.fuzz.FuzzTargets): any bytes as a GGUF file, the parser and then
 * the model loader as `smezo train`/`info` run them. Accepted files must be fully usable (every value
 * readable, every tensor's bytes in the file, a rewrite that reads back the same).
 */
public final class GgufFuzzer {
    private GgufFuzzer() {}

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        try {
            GgufFuzzTest.exercise(Gguf.read(MemorySegment.ofArray(data), "fuzz.gguf"));
        } catch (GgufException e) {
            Fuzzing.requireNamed(e, "fuzz.gguf: ");
        }
        Path file = Fuzzing.file("fuzz.gguf", data);
        try (Model m = Model.open(file)) {
            m.config().toString();   // records every hyperparameter the checks let through
        } catch (GgufException | ModelException e) {
            Fuzzing.requireNamed(e, file.toString());
        }
    }
}
