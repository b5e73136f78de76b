package sparse.engine.attention;

import sparse.engine.graph.ExecutionPlan;

/**
 * One layer's device state in a method that keeps an execution plan per layer: the layer's
 * cache and the plan built over it (null until the first decode needs it).
 */
public abstract class LayerPlan {
    public final int layer;
    protected LayerCache cache;
    protected ExecutionPlan plan;

    protected LayerPlan(int layer) {
        this.layer = layer;
    }

    /** One decode step of this layer; see {@link AttentionMethod#decode}. */
    public abstract DecodeResult decode(float[] q, int hq, int visible);

    /** Frees the plan; the next decode builds it again. */
    public void closePlan() {
        if (plan != null) {
            plan.close();
            plan = null;
        }
    }
}
