package sparse.engine.attention;

/**
 * One attention method (dense, a baseline, SOCKET, Sketch&amp;Walk) running its selection and
 * attention as kernels on one device. Used layer by layer, in layer order: {@link #load}
 * a layer's cache, then any number of {@link #decode} steps on it. Methods that carry state
 * across layers (Sketch&amp;Walk's walk) keep it between loads.
 */
public interface AttentionMethod extends AutoCloseable {

    /** The method's name as the command line spells it, e.g. {@code socket}. */
    String name();

    /** Makes {@code cache} the current layer ({@code layer} counts from 0). */
    void load(int layer, LayerCache cache);

    /**
     * One decode step of the current layer over its first {@code visible} cached tokens.
     *
     * @param q queries, (hq, d); hq a multiple of the cache's hkv (grouped-query attention)
     */
    DecodeResult decode(float[] q, int hq, int visible);

    @Override
    void close();
}
