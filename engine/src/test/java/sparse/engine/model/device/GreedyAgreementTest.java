package sparse.engine.model.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import sparse.engine.attention.methods.MethodSettings;
import sparse.engine.backend.Device;
import sparse.engine.backend.jvm.JvmBackend;
import sparse.engine.model.TestModels;
import sparse.engine.model.device.GreedyAgreement.Row;
import sparse.engine.model.device.GreedyAgreement.Run;
import sparse.engine.model.gguf.GgufFile;

/** Greedy agreement with dense on the real stories260K model, on the JVM backend. */
class GreedyAgreementTest {
    private static final int STEPS = 20;

    @Test
    void denseAgreesWithItselfAndASparseMethodGivesAFraction() throws IOException {
        Device device = JvmBackend.open().getFirst();
        List<Row> streamed = new ArrayList<>();
        try (GgufFile file = GgufFile.open(TestModels.require("stories260K.gguf"))) {
            GreedyAgreement.Report report = GreedyAgreement.measure(file, device, "Once upon a time", STEPS,
                    List.of(new Run("dense", Double.NaN), new Run("streaming", 0.25)), MethodSettings.defaults(),
                    streamed::add);
            System.out.println("dense: " + report.denseText());
            assertEquals(STEPS, report.dense().length);
            assertEquals(report.rows(), streamed);

            Row dense = report.rows().get(0);
            System.out.println(dense);
            assertEquals(1.0, dense.agreement());
            assertEquals(STEPS, dense.identicalPrefix());
            assertEquals(1.0, dense.measuredDensity());

            Row streaming = report.rows().get(1);
            System.out.println(streaming);
            assertTrue(streaming.agreement() >= 0 && streaming.agreement() <= 1, streaming.toString());
            assertTrue(streaming.identicalPrefix() >= 0 && streaming.identicalPrefix() <= STEPS, streaming.toString());
            assertTrue(streaming.measuredDensity() > 0 && streaming.measuredDensity() < 1, streaming.toString());
        }
    }

    @Test
    void refusesADensityTheMethodCannotTake() {
        MethodSettings s = MethodSettings.defaults();
        assertThrows(IllegalArgumentException.class, () -> GreedyAgreement.checkRun(new Run("sketchwalk", 0.05), s));
        assertThrows(IllegalArgumentException.class, () -> GreedyAgreement.checkRun(new Run("hardlsh", 0.25), s));
        assertThrows(IllegalArgumentException.class, () -> GreedyAgreement.checkRun(new Run("quest", 0), s));
        assertThrows(IllegalArgumentException.class, () -> GreedyAgreement.checkRun(new Run("nope", 0.25), s));
    }
}
