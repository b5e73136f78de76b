package sparse.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The model and prompt the commands that run a GGUF model share (a picocli mixin). */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a GGUF Llama model")
    Path model;

    @Option(names = "--prompt", required = true, description = "the text to continue")
    String prompt;

    /** Refuses a model path that is not a file, before any device is opened. */
    void checkModelFile() {
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException((Files.exists(model) ? "not a file: " : "no such file: ") + model);
        }
    }
}
