package sparse.engine.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BudgetTest {

    @Test
    void longContextsKeep128SinkAnd128Window() {
        Budget b = Budget.of(0.05, 32768);
        assertEquals(128, b.sink());
        assertEquals(128, b.window());
        assertEquals(Math.round(0.05 * 32768) - 256, b.heavy());
        assertEquals(Math.round(0.05 * 32768), b.total());
    }

    @Test
    void shortContextsShrinkSinkAndWindowToASixteenthEach() {
        Budget b = Budget.of(0.25, 1000);
        assertEquals(62, b.sink());
        assertEquals(62, b.window());
        assertEquals(250 - 124, b.heavy());
        assertEquals(new Budget(0, 0, 10), Budget.of(1.0, 10));
    }

    @Test
    void fullDensityKeepsEveryToken() {
        assertEquals(4096, Budget.of(1.0, 4096).total());
    }

    @Test
    void badDensitiesAreOneLineErrors() {
        assertEquals("density must be in (0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> Budget.of(1.5, 100)).getMessage());
        assertEquals("density must be in (0, 1], got 0.0",
                assertThrows(IllegalArgumentException.class, () -> Budget.of(0, 100)).getMessage());
        assertEquals("density must be in (0, 1], got NaN",
                assertThrows(IllegalArgumentException.class, () -> Budget.of(Double.NaN, 100)).getMessage());
        assertEquals("visible tokens must be positive, got 0",
                assertThrows(IllegalArgumentException.class, () -> Budget.of(0.5, 0)).getMessage());
    }

    @Test
    void smallBudgetsShrinkSinkAndWindowToAQuarterEach() {
        assertEquals(new Budget(10, 10, 21), Budget.of(0.01, 4096));
        assertEquals(new Budget(51, 51, 103), Budget.of(0.05, 4096));
        assertEquals(new Budget(0, 0, 1), Budget.of(0.05, 3));
    }
}
