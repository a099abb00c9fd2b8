package dev.smezo.perturb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PhiloxTest {
    /** Known-answer vectors of Random123 (kat_vectors: philox4x32 10, counter then key words). */
    @Test
    void matchesRandom123KnownAnswers() {
        int[] out = new int[4];
        Philox.block(0, 0, 0, 0, 0, 0, out);
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, out);
        Philox.block(-1, -1, -1, -1, -1, -1, out);
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, out);
        Philox.block(0xa4093822, 0x299f31d0, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, out);
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, out);
    }

    @Test
    void seedAndBlockSplitIntoLowThenHighWords() {
        int[] a = new int[4], b = new int[4];
        Philox.block(0x1122334455667788L, 0x19AABBCCDDEEFF00L, 7, 2, a);
        Philox.block(0x55667788, 0x11223344, 0xDDEEFF00, 0x19AABBCC, 7, 2, b);
        assertArrayEquals(b, a);
        assertEquals(Noise.uniform24(0x1122334455667788L, 7, 2, 4 * 0x19AABBCCDDEEFF00L + 3), b[3] >>> 8);
    }
}
