package sparse.engine.attention.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import sparse.engine.attention.Budget;
import sparse.engine.attention.TokenBudget;

class SocketOptionsTest {

    @Test
    void defaultsAreThePapersRulerSetting() {
        SocketOptions o = SocketOptions.defaults();
        assertEquals(10, o.bits());
        assertEquals(60, o.tables());
        assertEquals(0.4, o.tau());
        assertEquals(TokenBudget.ofDensity(0.05), o.budget());
        assertTrue(o.valueNorms());
        assertFalse(o.sharedPerGroup());
        assertFalse(o.byteCodes());
        assertTrue(o.withBits(8).byteCodes());
        // 32K context: S = W = 128, M = round(0.05·32768) − 256 = 1382
        assertEquals(new Budget(128, 128, 1382), o.budget().resolve(32768));
        // small budget: S and W shrink to a quarter of it each (200 of 1000 kept)
        assertEquals(new Budget(50, 50, 100), o.withDensity(0.2).budget().resolve(1000));
    }

    @Test
    void badParametersFailWithOneLineNamingThem() {
        SocketOptions o = SocketOptions.defaults();
        rejects("bits per table P must be in [1, 16], got 17", () -> o.withBits(17));
        rejects("bits per table P must be in [1, 16], got 0", () -> o.withBits(0));
        rejects("tables L must be ≥ 1, got 0", () -> o.withTables(0));
        rejects("temperature tau must be positive and finite, got 0.0", () -> o.withTau(0));
        rejects("temperature tau must be positive and finite, got NaN", () -> o.withTau(Double.NaN));
        rejects("density must be in (0, 1], got 0.0", () -> o.withDensity(0));
        rejects("density must be in (0, 1], got 1.5", () -> o.withDensity(1.5));
        rejects("heavy tokens M must be ≥ 0, got -1", () -> o.withHeavy(-1));
        rejects("sink S must be ≥ 0, got -2", () -> o.withSink(-2));
        rejects("window W must be ≥ 0, got -5", () -> o.withWindow(-5));
        rejects("sink 600 + window 500 > context 1000", () -> o.withSink(600).withWindow(500).budget().resolve(1000));
        rejects("density 0.05 keeps 50 of 1000 tokens, fewer than the sink (40) and window (12) it must include",
                () -> o.withSink(40).budget().resolve(1000));
    }

    @Test
    void aFixedHeavyCountKeepsAtMostTheCandidates() {
        TokenBudget b = TokenBudget.ofHeavy(500).withSink(10).withWindow(20);
        assertEquals(new Budget(10, 20, 500), b.resolve(1000));
        assertEquals(new Budget(10, 20, 270), b.resolve(300));
    }

    static void rejects(String message, Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertEquals(message, x.getMessage());
        assertFalse(x.getMessage().contains("\n"));
    }
}
