package sparse.tasks.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Compiles every golden program with clang where clang is installed: the OpenCL C with clang's
 * own OpenCL headers, the CUDA C against a stub of NVRTC's builtins. So a syntax error in
 * generated code fails here, not only in one backend's driver.
 */
class ClangCheckTest {

    static String clang() {
        for (String name : List.of("clang-15", "clang")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }

    @TestFactory
    Stream<DynamicTest> goldenProgramsCompile() throws IOException {
        String clang = clang();
        assumeTrue(clang != null, "no clang on PATH: generated C is not compiled here");
        Path stub = Path.of("src/test/resources/nvrtc-builtins.h").toAbsolutePath();
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(GoldenTest.GOLDEN)) {
            for (Path p : walk.sorted().toList()) {
                String name = GoldenTest.GOLDEN.relativize(p).toString();
                if (name.endsWith(".cl")) {
                    tests.add(DynamicTest.dynamicTest(name, () -> check(List.of(clang, "-x", "cl", "-cl-std=CL1.2",
                            "-Xclang", "-finclude-default-header", "-fsyntax-only", p.toString()))));
                } else if (name.endsWith(".cu")) {
                    // sm_70 and sm_80: the prelude's asynchronous copies differ from sm_80 on
                    for (String arch : List.of("sm_70", "sm_80")) {
                        tests.add(DynamicTest.dynamicTest(name + " " + arch, () -> check(List.of(clang, "-x", "cuda",
                                "--cuda-device-only", "-nocudainc", "-nocudalib", "--cuda-gpu-arch=" + arch,
                                "-Wno-unknown-cuda-version", "-fsyntax-only", "-include", stub.toString(), p.toString()))));
                    }
                }
            }
        }
        return tests.stream();
    }

    private static void check(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + "\n" + output);
    }
}
