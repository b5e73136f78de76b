package sparse.examples;

import java.util.Set;
import picocli.CommandLine.Option;
import sparse.engine.attention.TokenBudget;
import sparse.engine.attention.methods.MethodSettings;
import sparse.engine.attention.sketchwalk.SketchWalkOptions;

/** The method knobs the commands share (a picocli mixin); each method reads the ones it has. */
final class MethodOptions {

    @Option(names = "--sink", defaultValue = "-1", description = "sink tokens S (default: 128, shrinking to T/16)")
    int sink;

    @Option(names = "--window", defaultValue = "-1", description = "window tokens W (default: 128, shrinking to T/16)")
    int window;

    @Option(names = "--socket-bits", defaultValue = "10", description = "SOCKET bits per table P, at most 16 (default ${DEFAULT-VALUE})")
    int socketBits;

    @Option(names = "--socket-tables", defaultValue = "60", description = "SOCKET tables L (default ${DEFAULT-VALUE})")
    int socketTables;

    @Option(names = "--socket-tau", defaultValue = "0.4", description = "SOCKET temperature (default ${DEFAULT-VALUE})")
    double socketTau;

    @Option(names = "--socket-value-norms", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "SOCKET: weigh key scores by value norms ‖v‖₂; --no-socket-value-norms ranks by soft collisions alone (default on)")
    boolean socketValueNorms;

    @Option(names = "--sketch-dim", defaultValue = "0", description = "Sketch&Walk sketch size m, at most the padded head dim (default: the padded head dim)")
    int sketchDim;

    @Option(names = "--sketch-temperature", defaultValue = "100", description = "Sketch&Walk: divides the block logits after 1/√m (default ${DEFAULT-VALUE})")
    float sketchTemperature;

    @Option(names = "--sketch-beta", defaultValue = "0.25", description = "Sketch&Walk: the walk's weight β of the previous hop, 0 for no walk (default ${DEFAULT-VALUE})")
    float sketchBeta;

    /**
     * The settings these options give, with SOCKET's list per group or per head and
     * Sketch&amp;Walk's dense layers; each method's options record checks its values when it opens.
     */
    MethodSettings settings(boolean socketShared, Set<Integer> sketchDenseLayers) {
        if (sink < TokenBudget.AUTO || window < TokenBudget.AUTO) {
            throw new IllegalArgumentException("sink and window must be ≥ 0");
        }
        SketchWalkOptions sketchWalk = SketchWalkOptions.defaults().withSketchDim(sketchDim)
                .withTemperature(sketchTemperature).withBeta(sketchBeta).withDenseLayers(sketchDenseLayers);
        return new MethodSettings(sink, window, socketBits, socketTables, socketTau, socketShared, socketValueNorms,
                sketchWalk);
    }
}
