package sparse.tests.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import sparse.config.EngineConfig;
import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;
import sparse.engine.model.device.DeviceLlama;
import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.llama.Llama;
import sparse.engine.model.llama.LlamaState;

/**
 * One decode step of the Llama model on the CPU: the plain-Java forward ({@link Llama}) and the
 * device forward ({@link DeviceLlama}, dense attention) on each device named in {@code device}.
 * Each step runs token {@link #TOKEN} at position {@link #POSITION}, after positions
 * 0 .. POSITION-1 were run once in setup; running the same step again rewrites the same cache
 * row, so every measured step does the same work.
 *
 * <p>The model is {@code stories260K.gguf} from {@code -Dsparse.models=DIR}, {@code SPARSE_MODELS},
 * or {@code ../shared/models} (from the repository root). Run with {@code scripts/jmh-decode}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DecodeStepBenchmark {

    static final String MODEL = "stories260K.gguf";
    /** Keys already in the cache when the measured step runs. */
    static final int POSITION = 64;
    static final int TOKEN = 1;

    @State(Scope.Benchmark)
    public static class PlainJava {
        GgufFile file;
        Llama model;
        LlamaState state;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            file = GgufFile.open(model());
            model = Llama.load(file);
            state = model.newState(POSITION + 1);
            for (int p = 0; p < POSITION; p++) {
                model.forward(state, prefillToken(p, model.config().vocabularySize()), p);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            file.close();
        }
    }

    @State(Scope.Benchmark)
    public static class OnDevice {
        /** Device ids as {@code sparse devices} lists them; a missing device fails its trial, saying why. */
        @Param({"jvm", "opencl:0:0"})
        public String device;

        Device dev;
        DeviceLlama model;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dev = Backends.select(EngineConfig.load(Map.of("device", device)));
            try (GgufFile file = GgufFile.open(model())) {
                model = DeviceLlama.load(file, dev, POSITION + 1, null);  // weights are read into memory
            }
            for (int p = 0; p < POSITION; p++) {
                model.forward(prefillToken(p, model.config().vocabularySize()), p);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            model.close();
            dev.close();
        }
    }

    @Benchmark
    public float[] plainJava(PlainJava s) {
        return s.model.forward(s.state, TOKEN, POSITION);
    }

    @Benchmark
    public float[] device(OnDevice s) {
        return s.model.forward(TOKEN, POSITION);
    }

    /** Any fixed token sequence does: the step's cost does not depend on the tokens. */
    static int prefillToken(int position, int vocabulary) {
        return (position * 7 + 1) % vocabulary;
    }

    static Path model() {
        String property = System.getProperty("sparse.models");
        String env = System.getenv("SPARSE_MODELS");
        Path dir = Path.of(property != null ? property : env != null ? env : "../shared/models");
        Path p = dir.resolve(MODEL);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(MODEL + " not found in " + dir.toAbsolutePath().normalize()
                    + " (set -Dsparse.models=DIR or SPARSE_MODELS=DIR, or run from the repository root)");
        }
        return p;
    }
}
