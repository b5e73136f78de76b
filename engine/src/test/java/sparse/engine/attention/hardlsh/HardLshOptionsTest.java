package sparse.engine.attention.hardlsh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import sparse.engine.attention.Budget;

class HardLshOptionsTest {

    @Test
    void defaultsAreMagicPigsEightBitsTimesSeventyFiveTables() {
        HardLshOptions o = HardLshOptions.defaults();
        assertEquals(8, o.bits());
        assertEquals(75, o.tables());
        assertEquals(new Budget(128, 128, 0), o.sinkAndWindow(32768));
        assertEquals(new Budget(62, 62, 0), o.sinkAndWindow(1000));
    }

    @Test
    void badParametersFailWithOneLineNamingThem() {
        HardLshOptions o = HardLshOptions.defaults();
        assertEquals("bits per table K must be in [1, 16], got 17",
                assertThrows(IllegalArgumentException.class, () -> o.withBits(17)).getMessage());
        assertEquals("tables L must be ≥ 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> o.withTables(0)).getMessage());
        assertEquals("sink 8 + window 8 > context 10",
                assertThrows(IllegalArgumentException.class, () -> o.withSink(8).withWindow(8).sinkAndWindow(10)).getMessage());
    }
}
