package sparse.engine.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * Real model files for tests, used where present and never copied into the repository: the
 * folder named by {@code -Dsparse.models=DIR} or {@code SPARSE_MODELS}, else the shared
 * folder beside the checkout ({@code ../shared/models} from the repository root).
 */
public final class TestModels {

    private TestModels() {
    }

    /** The file, if present in one of the folders. */
    public static Optional<Path> find(String name) {
        for (Path dir : folders()) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The file, or the test is skipped with the folders searched. */
    public static Path require(String name) {
        Optional<Path> p = find(name);
        Assumptions.assumeTrue(p.isPresent(), name + " not found in " + folders()
                + " (set -Dsparse.models=DIR or SPARSE_MODELS)");
        return p.get();
    }

    private static List<Path> folders() {
        String property = System.getProperty("sparse.models");
        if (property != null) {
            return List.of(Path.of(property));
        }
        String env = System.getenv("SPARSE_MODELS");
        if (env != null) {
            return List.of(Path.of(env));
        }
        // Tests run in the module folder (engine/); the checkout's root is one level up.
        return List.of(Path.of("../../shared/models").toAbsolutePath().normalize(),
                Path.of("../shared/models").toAbsolutePath().normalize());
    }
}
