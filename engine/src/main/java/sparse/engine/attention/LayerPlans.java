package sparse.engine.attention;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The per-layer plans of one method: {@link #load} makes a layer current (starting its plan
 * over when its cache is another one), {@link #current} is what decode runs on, {@link #close}
 * frees them all.
 */
public final class LayerPlans<S extends LayerPlan> implements AutoCloseable {
    private final Map<Integer, S> layers = new HashMap<>();
    private final IntFunction<S> newLayer;
    private S current;

    public LayerPlans(IntFunction<S> newLayer) {
        this.newLayer = newLayer;
    }

    /** Makes {@code cache} layer {@code layer}'s current cache and that layer current. */
    public S load(int layer, LayerCache cache) {
        if (layer < 0) {
            throw new IllegalArgumentException("layer must be ≥ 0, got " + layer);
        }
        S state = layers.computeIfAbsent(layer, newLayer::apply);
        if (state.cache != null && (state.cache.k() != cache.k() || state.cache.v() != cache.v()
                || state.cache.capacity() != cache.capacity())) {
            state.closePlan();  // another cache: start over
        }
        state.cache = cache;
        current = state;
        return state;
    }

    /** The layer last loaded. */
    public S current() {
        if (current == null) {
            throw new IllegalStateException("decode before any load()");
        }
        return current;
    }

    @Override
    public void close() {
        for (S s : layers.values()) {
            s.closePlan();
        }
        layers.clear();
        current = null;
    }
}
