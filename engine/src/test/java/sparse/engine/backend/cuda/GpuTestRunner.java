package sparse.engine.backend.cuda;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * Runs {@link CudaBackendTest} without Maven, for the GPU machine (no Java build there):
 * each {@code @Test} method on a fresh instance, a PASS, FAIL or SKIP line each, then a
 * table. Exits 1 when any test failed.
 */
public final class GpuTestRunner {
    private GpuTestRunner() {
    }

    private record Result(String test, String outcome, long millis, String detail) {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        List<Method> tests = new ArrayList<>(Arrays.stream(CudaBackendTest.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Test.class)).toList());
        tests.sort(Comparator.comparing(Method::getName));
        List<Result> results = new ArrayList<>();
        for (Method m : tests) {
            m.setAccessible(true);
            long start = System.nanoTime();
            String outcome = "PASS";
            String detail = "";
            try {
                var constructor = CudaBackendTest.class.getDeclaredConstructor();
                constructor.setAccessible(true);
                m.invoke(constructor.newInstance());
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                outcome = cause instanceof TestAbortedException ? "SKIP" : "FAIL";
                detail = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
                if (outcome.equals("FAIL")) {
                    cause.printStackTrace(System.out);
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println(outcome + " " + m.getName() + " (" + millis + " ms)" + (detail.isEmpty() ? "" : ": " + detail));
            results.add(new Result(m.getName(), outcome, millis, detail));
        }
        System.out.println();
        System.out.printf("%-52s %-5s %8s%n", "test", "result", "ms");
        for (Result r : results) {
            System.out.printf("%-52s %-5s %8d%n", r.test(), r.outcome(), r.millis());
        }
        long failed = results.stream().filter(r -> r.outcome().equals("FAIL")).count();
        System.out.println(results.size() + " tests, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
