package sparse.engine.attention.eval;

/**
 * One row to measure: a method at a requested density.
 *
 * @param method  the method's name as the command line spells it
 * @param density requested fraction of keys attended, sink and window included, in (0, 1]
 */
public record EvalCase(String method, double density) {
    public EvalCase {
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("density must be in (0, 1], got " + density + " for " + method);
        }
    }
}
