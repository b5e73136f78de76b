package sparse.engine.model.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import sparse.engine.backend.Device;

/** The decode benchmark at the stories260K shape: writes the model, reuses it, fills the cache, times both methods. */
class DeviceLlamaBenchTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("sparse.engine.model.device.ModelKernelsTest#devices")
    void runsDenseAndSocketAtATinyShape(Device device) {
        Path model = dir.resolve("random-stories260k.gguf");
        String[] args = {model.toString(), "--shape", "stories260k", "--device", device.id(), "--contexts", "40,100",
                "--steps", "3", "--warmup", "1"};
        for (String expected : List.of("written", "reused")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            List<DeviceLlamaBench.Row> rows = DeviceLlamaBench.run(DeviceLlamaBench.parse(args),
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));
            String out = bytes.toString(StandardCharsets.UTF_8);
            System.out.print(out);
            assertTrue(out.contains(expected), out);
            assertTrue(out.contains("| socket | 100 |"), out);
            assertEquals(4, rows.size());
            for (DeviceLlamaBench.Row r : rows) {
                assertTrue(r.msPerToken() > 0 && r.tokensPerSecond() > 0, r.toString());
                assertEquals(DeviceLlama.AttentionPath.STEP_GRAPH, r.path(), r.toString());
                if (r.method().equals("dense")) {
                    assertEquals(1.0, r.density(), r.toString());
                } else {
                    assertTrue(r.density() > 0 && r.density() < 0.5, r.toString());
                }
            }
        }
    }

    @Test
    void refusesBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> DeviceLlamaBench.parse(new String[] {}));
        assertThrows(IllegalArgumentException.class, () -> DeviceLlamaBench.parse(new String[] {"m.gguf", "--steps"}));
        assertThrows(IllegalArgumentException.class, () -> DeviceLlamaBench.parse(new String[] {"m.gguf", "--steps", "0"}));
        assertThrows(IllegalArgumentException.class, () -> DeviceLlamaBench.parse(new String[] {"m.gguf", "--shape", "x"}));
        assertThrows(IllegalArgumentException.class, () -> DeviceLlamaBench.parse(new String[] {"m.gguf", "--methods", "nope"}));
        assertThrows(IllegalArgumentException.class, () -> DeviceLlamaBench.parse(new String[] {"m.gguf", "--density", "2"}));
        assertThrows(IllegalArgumentException.class, () -> DeviceLlamaBench.parse(new String[] {"m.gguf", "--shape",
                "stories260k", "--contexts", "2048"}));
        assertThrows(IllegalArgumentException.class, () -> DeviceLlamaBench.parse(new String[] {"m.gguf", "--color", "red"}));
    }
}
