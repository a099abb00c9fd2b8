package dev.smezo.perturb;

import static dev.smezo.perturb.NativeSupport.assumeNative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * libsmezo's kernels exist in three copies, chosen at load for the running CPU (native/src/smezo_isa.h):
 * AVX-512 intrinsics, the portable C vectorized for AVX2, and the portable C on baseline x86-64. A
 * portable binary runs whichever the CPU has, so each copy must give the Java reference's bits: every
 * bit-exactness test of the element and quantized kernels runs here once per copy this CPU can run.
 */
class InstructionSetsTest {
    private static final String[] NAMES = {"c", "avx2", "avx512"};
    private static int chosenAtLoad;

    @BeforeAll
    static void needsNative() {
        assumeNative();
        chosenAtLoad = NativeKernels.isa();
    }

    @AfterAll
    static void restore() {
        NativeKernels.setIsa(chosenAtLoad);
    }

    @Test
    void theBestCopyTheCpuRunsIsChosenAtLoad() {
        int best = 2;
        while (!NativeKernels.isaSupported(best)) best--;
        String want = System.getenv("SMEZO_ISA");
        int expected = best;
        for (int i = 0; want != null && i < NAMES.length; i++) if (NAMES[i].equals(want) && i <= best) expected = i;
        assertEquals(expected, chosenAtLoad);
        assertTrue(NativeKernels.isaSupported(0), "the portable C runs everywhere");
        for (int i = 0; i < NAMES.length; i++) assertEquals(NAMES[i], NativeKernels.isaName(i));
    }

    @Test
    void aCopyTheCpuCannotRunIsRefused() {
        assertFalse(NativeKernels.setIsa(7));
        assertFalse(NativeKernels.setIsa(-1));
        assertEquals(chosenAtLoad, NativeKernels.isa());
    }

    @TestFactory
    List<DynamicTest> everyCopyGivesTheReferenceBits() {
        NativeKernelsTest element = new NativeKernelsTest();
        QuantKernelsTest quant = new QuantKernelsTest();
        List<DynamicTest> tests = new ArrayList<>();
        for (int isa = 0; isa < NAMES.length; isa++) {
            final int i = isa;
            if (!NativeKernels.isaSupported(i)) continue;   // e.g. no AVX-512 here: said in the name
            add(tests, i, "noise", element::nativeNoiseEqualsJavaOverAWideRange);
            add(tests, i, "perturb", element::perturbIsBitExact);
            add(tests, i, "perturb rows", element::perturbRowsIsBitExactAndMatchesTheFullMatrix);
            add(tests, i, "update", element::updateIsBitExact);
            add(tests, i, "stochastic rounding", element::stochasticRoundingIsUnbiasedAndSeeded);
            add(tests, i, "mask count", element::countMaskEqualsReference);
            add(tests, i, "quantized perturb", quant::perturbIsBitExact);
            add(tests, i, "quantized update", quant::updateIsBitExact);
            add(tests, i, "quantized scale noise", quant::noiseOfScaleParameterPIsElementNoiseP);
        }
        return tests;
    }

    private static void add(List<DynamicTest> tests, int isa, String what, Executable body) {
        tests.add(DynamicTest.dynamicTest(NAMES[isa] + ": " + what, () -> {
            assertTrue(NativeKernels.setIsa(isa));
            try {
                body.execute();
            } finally {
                NativeKernels.setIsa(chosenAtLoad);
            }
        }));
    }
}
