package dev.smezo.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.smezo.gguf.GgmlType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model built in memory from a shape ({@code bench --shape}, for shapes larger than the disk) is the
 * model {@code synth} writes: the hyperparameters read back from the written file, and every tensor's
 * bytes.
 */
class SynthesizedModelTest {
    @Test
    void inMemoryModelEqualsTheWrittenFile(@TempDir Path dir) throws Exception {
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.Q8_0}) {
            for (boolean tied : new boolean[] {false, true}) {
                Synth synth = new Synth(ModelShape.named("tiny").withLayers(2), type, tied, 9);
                Path file = dir.resolve(type.ggmlName() + tied + ".gguf");
                synth.write(file, null);
                long[] progress = {0};
                try (Model mem = Model.synthesize(synth, done -> progress[0] = done);
                     Model disk = Model.open(file)) {
                    String what = type + (tied ? " tied" : "");
                    assertEquals(disk.config(), mem.config(), what);
                    assertEquals(tied, mem.tiedOutput(), what);
                    assertEquals(disk.metadata().keySet(), mem.metadata().keySet(), what);
                    assertEquals(synth.tensorBytes(), progress[0], "progress reaches every byte");
                    assertEquals(disk.weights().entries().size(), mem.weights().entries().size(), what);
                    for (Weights.Entry d : disk.weights().entries()) {
                        Weights.Entry m = mem.weights().get(d.name());
                        assertEquals(d.id(), m.id(), d.name() + ": the noise keys on the id");
                        assertEquals(d.type(), m.type(), d.name());
                        assertArrayEquals(d.ne(), m.ne(), d.name());
                        assertEquals(-1, disk.weights().data(d).mismatch(mem.weights().data(m)), what + " " + d.name());
                    }
                    assertTrue(mem.source().startsWith("synth:tiny:2l:"), mem.source());
                }
            }
        }
    }
}
