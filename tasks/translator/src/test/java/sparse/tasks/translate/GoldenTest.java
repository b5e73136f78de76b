package sparse.tasks.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import sparse.tasks.lang.KernelSpec;

/**
 * Golden tests as data: {@code golden/<feature>/<Case>.java} is compiled with the processor.
 * A case with {@code // expect-error: [line N] message} comments must fail with exactly those
 * errors; any other case must compile, and its programs must equal {@code <Case>.cl} and
 * {@code <Case>.cu} beside it. Run with {@code -Dgolden.update=true} to rewrite the expected
 * programs (then read the diff).
 */
class GoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final Pattern EXPECT = Pattern.compile("// expect-error: \\[line (\\d+)] (.*)");

    record Expected(long line, String message) {
    }

    static List<Path> cases() throws IOException {
        try (Stream<Path> walk = Files.walk(GOLDEN)) {
            return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> golden() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(GOLDEN.relativize(c).toString(), () -> run(c)));
    }

    private static void run(Path source) throws IOException {
        List<Expected> expected = new ArrayList<>();
        List<String> lines = Files.readAllLines(source);
        for (String line : lines) {
            Matcher m = EXPECT.matcher(line);
            if (m.find()) {
                expected.add(new Expected(Long.parseLong(m.group(1)), m.group(2).trim()));
            }
        }
        TestCompiler.Result r = TestCompiler.compile(source);
        if (expected.isEmpty()) {
            assertTrue(r.success(), "compilation failed:" + r.describe());
            assertEquals(1, r.holders().size(), "one holder class expected: " + r.holders());
            List<KernelSpec> kernels = r.kernels(r.holders().get(0));
            compare(source, ".cl", kernels.get(0).opencl().text());
            compare(source, ".cu", kernels.get(0).cuda().text());
            return;
        }
        List<Diagnostic<? extends JavaFileObject>> errors = new ArrayList<>(r.errors());
        for (Expected e : expected) {
            Diagnostic<? extends JavaFileObject> match = errors.stream()
                    .filter(d -> d.getLineNumber() == e.line() && d.getMessage(Locale.ROOT).contains(e.message()))
                    .findFirst().orElse(null);
            if (match == null) {
                fail("expected error [line " + e.line() + "] " + e.message() + ", got:" + r.describe());
            }
            errors.remove(match);
        }
        assertTrue(errors.isEmpty(), "unexpected errors:" + r.describe());
    }

    private static void compare(Path source, String extension, String actual) throws IOException {
        Path expected = Path.of(source.toString().replaceAll("\\.java$", extension));
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expected, actual);
            return;
        }
        assertTrue(Files.exists(expected), expected + " is missing (run with -Dgolden.update=true to write it)");
        assertEquals(Files.readString(expected), actual, expected.toString());
    }
}
