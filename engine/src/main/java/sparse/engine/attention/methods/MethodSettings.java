package sparse.engine.attention.methods;

import java.util.List;
import sparse.engine.attention.TokenBudget;
import sparse.engine.attention.hardlsh.HardLshOptions;
import sparse.engine.attention.oracle.OracleOptions;
import sparse.engine.attention.quest.QuestOptions;
import sparse.engine.attention.sketchwalk.SketchWalkOptions;
import sparse.engine.attention.socket.SocketOptions;
import sparse.engine.attention.streaming.StreamingOptions;

/**
 * The knobs a command line can set on every method; each method reads the ones it has, and
 * every other parameter keeps its ALGORITHMS.md default.
 *
 * @param sink            sink tokens S, or {@link TokenBudget#AUTO} (128, shrinking to T/16)
 * @param window          local-window tokens W, or {@link TokenBudget#AUTO}
 * @param socketBits      SOCKET's P, bits per table
 * @param socketTables    SOCKET's L, tables
 * @param socketTau       SOCKET's temperature
 * @param socketShared    SOCKET's per-group shared list instead of one list per query head
 * @param socketValueNorms SOCKET weighs each key's score by ‖v‖₂ (the default)
 * @param sketchWalk      Sketch&amp;Walk's knobs; the requested density replaces its own
 */
public record MethodSettings(int sink, int window, int socketBits, int socketTables, double socketTau,
                             boolean socketShared, boolean socketValueNorms, SketchWalkOptions sketchWalk) {

    /** Method names as the command line spells them. */
    public static final List<String> METHODS = List.of("dense", "oracle", "socket", "sketchwalk", "quest", "hardlsh", "streaming");

    public static MethodSettings defaults() {
        SocketOptions s = SocketOptions.defaults();
        return new MethodSettings(TokenBudget.AUTO, TokenBudget.AUTO, s.bits(), s.tables(), s.tau(), false, s.valueNorms(),
                SketchWalkOptions.defaults());
    }

    /** These settings with SOCKET's list per group ({@code true}) or per query head. */
    public MethodSettings withSocketShared(boolean shared) {
        return new MethodSettings(sink, window, socketBits, socketTables, socketTau, shared, socketValueNorms, sketchWalk);
    }

    /** These settings with Sketch&amp;Walk's knobs replaced. */
    public MethodSettings withSketchWalk(SketchWalkOptions options) {
        return new MethodSettings(sink, window, socketBits, socketTables, socketTau, socketShared, socketValueNorms, options);
    }

    /**
     * Checks a method name, throwing a one-line error listing the known ones.
     */
    public static String checkName(String name) {
        if (!METHODS.contains(name)) {
            throw new IllegalArgumentException("unknown method '" + name + "' (known: " + String.join(", ", METHODS) + ")");
        }
        return name;
    }

    /**
     * The options record of {@code method} at {@code density}. Sketch&amp;Walk's candidates fill
     * what its sink and window blocks leave of the density.
     */
    public Object options(String method, double density) {
        TokenBudget budget = TokenBudget.ofDensity(density).withSink(sink).withWindow(window);
        return switch (checkName(method)) {
            case "dense" -> null;
            case "oracle" -> new OracleOptions(budget);
            case "streaming" -> new StreamingOptions(budget);
            case "socket" -> SocketOptions.defaults().withBudget(budget).withBits(socketBits).withTables(socketTables)
                    .withTau(socketTau).withSharedPerGroup(socketShared).withValueNorms(socketValueNorms);
            case "hardlsh" -> withSinkWindow(HardLshOptions.defaults());
            case "quest" -> QuestOptions.of(density);
            case "sketchwalk" -> sketchWalk(density);
            default -> throw new IllegalStateException(method);
        };
    }

    private HardLshOptions withSinkWindow(HardLshOptions o) {
        HardLshOptions withSink = sink == TokenBudget.AUTO ? o : o.withSink(sink);
        return window == TokenBudget.AUTO ? withSink : withSink.withWindow(window);
    }

    private SketchWalkOptions sketchWalk(double density) {
        double fixed = sketchWalk.sinkFraction() + sketchWalk.windowFraction();
        if (!(density > fixed && density <= 1)) {
            throw new IllegalArgumentException("density " + density + " is not reachable by sketchwalk: sink and window blocks alone take "
                    + String.format("%.3f", fixed) + " of the context");
        }
        return sketchWalk.withDensity(density);
    }
}
