package sparse.engine.attention.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void meanSpreadAndPercentiles() {
        Summary s = Summary.of(new double[] {4, 1, 3, 2, 5, 6, 7, 8, 9, 10, 11});
        assertEquals(6.0, s.mean(), 1e-15);
        assertEquals(Math.sqrt(10.0), s.std(), 1e-12);
        assertEquals(1.0, s.min());
        assertEquals(11.0, s.max());
        assertEquals(2.0, s.p10(), 1e-12);
        assertEquals(10.0, s.p90(), 1e-12);
        assertEquals(11, s.count());
    }

    @Test
    void aNanSampleSpoilsEveryField() {
        Summary s = Summary.of(new double[] {1, Double.NaN, 3});
        assertTrue(Double.isNaN(s.mean()) && Double.isNaN(s.min()) && Double.isNaN(s.p90()));
    }
}
