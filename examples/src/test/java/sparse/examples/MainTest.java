package sparse.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The command's answer to bad input: one line on standard error naming what is wrong, exit
 * status 2, before any work starts (the JVM device, so no GPU is needed).
 */
class MainTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bench --device jvm --batch 0                                       | --batch takes positive sequence counts",
            "bench --device jvm --context 256 --batch 2 --method sketchwalk     | sketchwalk runs at batch 1 only",
            "bench --device jvm --method nosuch                                 | the bench times dense",
            "bench --device jvm --method socket@1.5                             | density must be in (0, 1]",
            "bench --device jvm --context 0                                     | --context takes positive token counts",
            "generate --device jvm --prompt Once --model /nonexistent/model.gguf | /nonexistent/model.gguf"})
    void badInputIsOneLineAndExitTwo(String args, String expected) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int status;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            status = Main.run(args.trim().split("\\s+"));
        } finally {
            System.setErr(saved);
        }
        String said = err.toString(StandardCharsets.UTF_8).strip();
        assertEquals(Main.BAD_INPUT, status, said);
        assertEquals(1, said.lines().count(), "one line: " + said);
        assertTrue(said.startsWith("sparse: ") && said.contains(expected), said);
    }
}
