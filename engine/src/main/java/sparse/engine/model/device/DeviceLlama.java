package sparse.engine.model.device;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.LayerCache;
import sparse.engine.attention.dense.DenseAttention;
import sparse.engine.attention.dense.IndexListAttention;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.DataTransferMode;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.Scalar;
import sparse.engine.graph.TaskGraph;
import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.llama.LlamaConfig;
import sparse.engine.model.llama.LlamaWeights;
import sparse.tasks.kernels.cache.KvCacheKernels;
import sparse.tasks.kernels.ffn.SwigluKernels;
import sparse.tasks.kernels.matvec.EmbeddingKernels;
import sparse.tasks.kernels.matvec.MatvecKernels;
import sparse.tasks.kernels.norm.RmsNormKernels;
import sparse.tasks.kernels.rope.RopeKernels;

/**
 * A Llama forward pass on one device, one token at a time, as task graphs (the steps of
 * {@link sparse.engine.model.llama.Llama#forward}, each a kernel). Weights go to the device on
 * the first step; after that a step sends only its token and position (kernel scalars) and
 * brings back only the logits.
 *
 * <p>Attention runs on one of two paths ({@link AttentionPath}). In the step graph: an
 * index-list method ({@link IndexListAttention}: dense, also the model's own when no method is
 * given, oracle, streaming, hardlsh, socket, quest) whose pack, selection, attend and merge
 * tasks the graph holds for each layer ({@link IndexListAttention#addLayer}); the key/value
 * cache lives on the device only (each step's kernels append the new row there), and a step
 * sends only its token and position and brings back the logits (and a sparse method's list
 * lengths, for the density). On the host's side of each layer: any other
 * {@link AttentionMethod} (Sketch&amp;Walk) works on host arrays ({@link LayerCache}) and runs
 * its own kernels, so the step is cut at each such layer into segments, each a graph and a
 * plan: a segment ends with the layer's q, k and v (and the residual stream) coming back; the
 * host appends k and v in fp16 to its cache, the method attends, and the next segment starts
 * by sending the attention output and the residual stream. Which layers attend on the host
 * is a per-layer choice ({@link #hostAttention}); today it is all of them or none.
 */
public final class DeviceLlama implements AutoCloseable {

    /** Where attention runs. */
    public enum AttentionPath {
        /** In the step graph, on the device: a step moves only its logits (and a sparse method's list lengths). */
        STEP_GRAPH("in the step graph"),
        /** On the host's side of each layer: q, k, v and the residual stream come back, the output goes over. */
        HOST_ROUND_TRIP("on the host between graphs, a round trip per layer");

        private final String description;

        AttentionPath(String description) {
            this.description = description;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** The tasks of a step; a task is named after its step and layer ({@code wo3}; the method's, {@code attend_3}). */
    enum Op {
        EMBED, ATTN_NORM, Q, K, V, ROPE_Q, ROPE_K, APPEND, WO, FFN_NORM, GATE, UP, SWIGLU, DOWN, OUTPUT_NORM, LOGITS;

        String task(int layer) {
            return name().toLowerCase() + (layer < 0 ? "" : Integer.toString(layer));
        }
    }

    /** Work-items per group of the parallel-loop kernels. */
    private static final int ITEM_GROUP = 128;

    private final LlamaConfig config;
    private final DeviceWeights weights;
    private final Device device;
    private final int capacity;
    private final AttentionMethod method;   // every layer's: the caller's, or dense (the model's own)
    private final AttentionPath path;
    private final boolean[] hostAttention;  // (layer) whether the layer attends on the host
    private final int reduceGroup;          // work-items of a matvec or RMSNorm group

    private final float[] x;        // (dim) residual stream
    private final float[] xb;       // (dim) normalised input of attention, feed-forward and head
    private final float[] q;        // (heads * headSize) query of the current token
    private final float[] k;        // (kvHeads * headSize) key of the current token
    private final float[] v;        // (kvHeads * headSize) value of the current token
    private final float[] att;      // (heads * headSize) attention output
    private final float[] hb;       // (hiddenDim) feed-forward gate, then silu(gate) * up
    private final float[] hb2;      // (hiddenDim) feed-forward up projection
    private final float[] logits;   // (vocabulary)
    private final float[] inverseFrequency; // (headSize / 2) RoPE: base^(-2j / headSize)
    private final short[][] keyCache;   // (layer) (kvHeads, capacity, headSize) fp16, post-RoPE: on the device
    private final short[][] valueCache; // (layer) (kvHeads, capacity, headSize) fp16   (host for host layers)

    private final Scalar token = Scalar.ofInt(0);
    private final Scalar pos = Scalar.ofInt(0);

    private final List<Segment> segments = new ArrayList<>();
    private long attendedKeys;  // keys attended, summed over heads, layers and steps
    private long visibleKeys;   // keys visible, likewise
    private int packed;         // cached rows the step graph's method layers have packed and hashed

    /**
     * One graph of a step: the layers whose cache it holds, its method layers, and the layer
     * whose attention runs on the host after it (-1: none, the last).
     */
    private record Segment(ExecutionPlan plan, int hostLayer, List<Integer> cachedLayers,
                           List<IndexListAttention.GraphLayer> graphLayers) {
    }

    /**
     * A model on {@code device} for sequences of up to {@code capacity} tokens, with dense
     * attention of its own ({@code method} null: {@link DenseAttention} on {@code device}) or
     * {@code method} in every layer (which this model then owns: it closes it, also when this
     * constructor fails). Attention runs in the step graph where it can (an
     * {@link IndexListAttention}), else on the host.
     */
    public DeviceLlama(LlamaConfig config, DeviceWeights weights, Device device, int capacity, AttentionMethod method) {
        this(config, weights, device, capacity, method, defaultPath(method), defaultReduceGroup(device));
    }

    /**
     * As above, on {@code path} (the host round trip also for an index-list method, to compare
     * the paths), with {@code reduceGroup} work-items per matvec and RMSNorm group (a power of
     * two; for tuning).
     */
    DeviceLlama(LlamaConfig config, DeviceWeights weights, Device device, int capacity, AttentionMethod method,
                AttentionPath path, int reduceGroup) {
        // the model's own dense attention is the dense method; set first, so that a failure below closes it
        this.method = method != null ? method : new DenseAttention(device);
        try {
            if (path == AttentionPath.STEP_GRAPH) {
                if (!(this.method instanceof IndexListAttention m)) {
                    throw new IllegalArgumentException(this.method.name() + " cannot run in the step graph (only dense"
                            + " and the index-list methods can): it runs on the host between graphs");
                }
                if (m.device() != device) {
                    throw new IllegalArgumentException(m.name() + " runs on " + m.device().id() + ", the model on "
                            + device.id() + ": one step graph needs one device");
                }
            }
            if (Integer.bitCount(reduceGroup) != 1 || reduceGroup > maxReduceGroup(device)) {
                throw new IllegalArgumentException("work-groups of " + reduceGroup + " are not a power of two up to "
                        + maxReduceGroup(device));
            }
            if (capacity < 1 || capacity > config.contextLength()) {
                throw new IllegalArgumentException("capacity " + capacity + " outside [1, context length "
                        + config.contextLength() + "]");
            }
            long cacheElements = (long) config.kvHeads() * capacity * config.headSize();
            if (cacheElements > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a layer's cache of " + capacity + " tokens needs " + cacheElements
                        + " elements, more than one Java array holds");
            }
            this.config = config;
            this.weights = weights;
            this.device = device;
            this.capacity = capacity;
            this.path = path;
            this.hostAttention = new boolean[config.layers()];
            Arrays.fill(hostAttention, path == AttentionPath.HOST_ROUND_TRIP);
            this.reduceGroup = reduceGroup;

            int qDim = config.heads() * config.headSize();
            int kvDim = config.kvHeads() * config.headSize();
            x = new float[config.dim()];
            xb = new float[config.dim()];
            q = new float[qDim];
            k = new float[kvDim];
            v = new float[kvDim];
            att = new float[qDim];
            hb = new float[config.hiddenDim()];
            hb2 = new float[config.hiddenDim()];
            logits = new float[config.vocabularySize()];
            inverseFrequency = new float[config.headSize() / 2];
            for (int j = 0; j < inverseFrequency.length; j++) {
                inverseFrequency[j] = (float) Math.pow(config.ropeBase(), -2.0 * j / config.headSize());
            }
            keyCache = new short[config.layers()][(int) cacheElements];
            valueCache = new short[config.layers()][(int) cacheElements];
            buildSegments();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The model in {@code file} (its weights read into memory, then sent to the device on the first step). */
    public static DeviceLlama load(GgufFile file, Device device, int capacity, AttentionMethod method) {
        LlamaConfig config = LlamaConfig.fromGguf(file);
        DeviceWeights weights = DeviceWeights.read(file.path(), LlamaWeights.fromGguf(file, config));
        return new DeviceLlama(config, weights, device, capacity, method);
    }

    public LlamaConfig config() {
        return config;
    }

    public Device device() {
        return device;
    }

    /** Tokens the cache has room for. */
    public int capacity() {
        return capacity;
    }

    /** The attention method's name: {@code dense} for the model's own. */
    public String attention() {
        return method.name();
    }

    /** Where attention runs. */
    public AttentionPath attentionPath() {
        return path;
    }

    /** Keys attended over keys visible, summed over every head, layer and step so far (NaN before any). */
    public double density() {
        return visibleKeys == 0 ? Double.NaN : (double) attendedKeys / visibleKeys;
    }

    /**
     * Runs {@code tokenId} at position {@code position}, after positions 0 .. position-1 have
     * been run, and returns the logits of the next token (an array overwritten by the next call).
     */
    public float[] forward(int tokenId, int position) {
        if (tokenId < 0 || tokenId >= config.vocabularySize()) {
            throw new IllegalArgumentException("token " + tokenId + " outside the vocabulary of " + config.vocabularySize());
        }
        if (position < 0 || position >= capacity) {
            throw new IllegalArgumentException("position " + position + " outside the cache of " + capacity);
        }
        if (segments.isEmpty()) {
            throw new IllegalStateException("the model is closed");
        }
        token.set(tokenId);
        pos.set(position);
        // the method layers pack and hash the rows from the first one not done (rows before
        // position stay as they were when a position is run again)
        int from = Math.min(packed, position);
        long visibleNow = (long) config.heads() * (position + 1);
        for (Segment s : segments) {
            for (IndexListAttention.GraphLayer g : s.graphLayers()) {
                g.prepare(s.plan(), position + 1, from, position + 1 - from);
            }
            s.plan().execute();
            for (IndexListAttention.GraphLayer g : s.graphLayers()) {
                attendedKeys += g.attendedKeys();  // the list lengths came back with the logits
                visibleKeys += visibleNow;
            }
            if (s.hostLayer() >= 0) {
                attendOnHost(s.hostLayer(), position);
            }
        }
        packed = position + 1;
        return logits;
    }

    /**
     * Fills positions 0 .. {@code length}-1 of every layer's key/value cache with random fp16
     * keys and values (standard normal), as if that many tokens had been run, so that the next
     * step can be at position {@code length}: for timing decode at a long context without the
     * prefill. Before the first step (the methods take a cache to grow by appends only); the
     * step graph's method layers pack and hash the rows at the next step.
     */
    public void fillCache(int length, long seed) {
        if (length < 0 || length >= capacity) {
            throw new IllegalArgumentException("a filled cache of " + length + " tokens leaves no room in " + capacity);
        }
        if (visibleKeys > 0) {
            throw new IllegalStateException("fillCache comes before the first step");
        }
        SplittableRandom random = new SplittableRandom(seed);
        short[] normal = new short[4096];  // standard normal fp16 values, drawn by index: quick to fill
        for (int i = 0; i < normal.length; i++) {
            normal[i] = Float.floatToFloat16((float) random.nextGaussian());
        }
        int d = config.headSize();
        for (int l = 0; l < config.layers(); l++) {
            for (int h = 0; h < config.kvHeads(); h++) {
                int start = h * capacity * d;
                for (int i = start; i < start + length * d; i++) {
                    keyCache[l][i] = normal[random.nextInt(normal.length)];
                    valueCache[l][i] = normal[random.nextInt(normal.length)];
                }
            }
        }
        for (Segment s : segments) {  // a host layer's cache is the host arrays themselves
            for (int l : s.cachedLayers()) {
                for (int h = 0; h < config.kvHeads(); h++) {
                    s.plan().write(keyCache[l], h * capacity * d, length * d);
                    s.plan().write(valueCache[l], h * capacity * d, length * d);
                }
            }
        }
    }

    @Override
    public void close() {
        for (Segment s : segments) {
            s.plan().close();
        }
        segments.clear();
        method.close();
    }

    // ---------------------------------------------------------------- a step

    /** The method's attention of {@code layer}: k and v into the host cache in fp16, then decode. */
    private void attendOnHost(int layer, int position) {
        int d = config.headSize();
        for (int h = 0; h < config.kvHeads(); h++) {
            int dst = (h * capacity + position) * d;
            for (int i = 0; i < d; i++) {
                keyCache[layer][dst + i] = Float.floatToFloat16(k[h * d + i]);
                valueCache[layer][dst + i] = Float.floatToFloat16(v[h * d + i]);
            }
        }
        method.load(layer, new LayerCache(config.kvHeads(), d, capacity, position + 1, keyCache[layer], valueCache[layer]));
        DecodeResult r = method.decode(q, config.heads(), position + 1);
        System.arraycopy(r.output(), 0, att, 0, att.length);
        for (int[] selected : r.selected()) {
            attendedKeys += selected.length;
        }
        visibleKeys += (long) config.heads() * (position + 1);
    }

    // ---------------------------------------------------------------- the graphs

    /** Cuts the step at every layer whose attention runs on the host. */
    private void buildSegments() {
        SegmentBuilder b = new SegmentBuilder(0, false);
        b.embed();
        for (int l = 0; l < config.layers(); l++) {
            b.preAttention(l);
            if (hostAttention[l]) {
                segments.add(b.build(l));
                b = new SegmentBuilder(segments.size(), true);
            } else {
                b.methodAttention(l);
            }
            b.postAttention(l);
        }
        b.head();
        segments.add(b.build(-1));
    }

    private static AttentionPath defaultPath(AttentionMethod method) {
        return method == null || method instanceof IndexListAttention ? AttentionPath.STEP_GRAPH
                : AttentionPath.HOST_ROUND_TRIP;
    }

    /** Work-items per matvec and RMSNorm group: 256 on devices, one on the JVM, whose work-items are threads. */
    static int defaultReduceGroup(Device device) {
        return device.backend().equals("jvm") ? 1 : Integer.highestOneBit(maxReduceGroup(device));
    }

    private static int maxReduceGroup(Device device) {
        return Math.min(Math.min(MatvecKernels.MAX_GROUP, RmsNormKernels.MAX_GROUP), device.maxWorkGroupSize());
    }

    /** The tasks of one segment, the arrays it reads from the host once, and its fixed grids. */
    private final class SegmentBuilder {
        final TaskGraph graph;
        final boolean fromHost;
        final Set<Object> uploadOnce = Collections.newSetFromMap(new IdentityHashMap<>());
        final List<Object> uploadOrder = new ArrayList<>();
        final Map<String, Grid> grids = new LinkedHashMap<>();
        final List<Integer> cachedLayers = new ArrayList<>();
        final List<IndexListAttention.GraphLayer> layers = new ArrayList<>();

        /** {@code fromHost}: the segment starts after a host attention, from x and att sent over. */
        SegmentBuilder(int index, boolean fromHost) {
            this.graph = new TaskGraph("llama" + index);
            this.fromHost = fromHost;
        }

        // token embedding
        void embed() {
            String name = Op.EMBED.task(-1);
            int dim = config.dim();
            switch (weights.tokenEmbedding()) {
                case WeightMatrix.F32 m -> graph.task(name, EmbeddingKernels::embedF32, once(m.w()), x, token, dim);
                case WeightMatrix.F16 m -> graph.task(name, EmbeddingKernels::embedF16, once(m.w()), x, token, dim);
                case WeightMatrix.Bf16 m -> graph.task(name, EmbeddingKernels::embedBf16, once(m.w()), x, token, dim);
                case WeightMatrix.Q8 m -> graph.task(name, EmbeddingKernels::embedQ8, once(m.scales()), once(m.quants()), x,
                        token, dim);
            }
            items(name, dim);
        }

        void preAttention(int l) {
            // attention RMSNorm
            rmsNorm(Op.ATTN_NORM.task(l), weights.attentionNorm()[l]);
            // q, k, v projections
            matvec(Op.Q.task(l), weights.wq()[l], xb, q, false);
            matvec(Op.K.task(l), weights.wk()[l], xb, k, false);
            matvec(Op.V.task(l), weights.wv()[l], xb, v, false);
            // RoPE on q and k
            graph.task(Op.ROPE_Q.task(l), RopeKernels::ropeAdjacentPairs, q, once(inverseFrequency), config.heads(),
                    config.headSize(), pos);
            items(Op.ROPE_Q.task(l), q.length / 2);
            graph.task(Op.ROPE_K.task(l), RopeKernels::ropeAdjacentPairs, k, once(inverseFrequency), config.kvHeads(),
                    config.headSize(), pos);
            items(Op.ROPE_K.task(l), k.length / 2);
        }

        /** Appends k and v to the layer's device cache, then the method's tasks over it, q and att. */
        void methodAttention(int l) {
            append(l);
            LayerCache cache = new LayerCache(config.kvHeads(), config.headSize(), capacity, 0, keyCache[l], valueCache[l]);
            layers.add(((IndexListAttention) method).addLayer(graph, l, q, config.heads(), cache, att));
        }

        /** k and v (post-RoPE) into row pos of the layer's device cache, in fp16. */
        void append(int l) {
            graph.task(Op.APPEND.task(l), KvCacheKernels::appendRow, k, v, keyCache[l], valueCache[l], config.kvHeads(),
                    capacity, config.headSize(), pos);
            items(Op.APPEND.task(l), k.length);
            cachedLayers.add(l);
        }

        void postAttention(int l) {
            // output projection, residual
            matvec(Op.WO.task(l), weights.wo()[l], att, x, true);
            // feed-forward RMSNorm
            rmsNorm(Op.FFN_NORM.task(l), weights.ffnNorm()[l]);
            // SwiGLU: down(silu(gate(x)) * up(x)), residual
            matvec(Op.GATE.task(l), weights.ffnGate()[l], xb, hb, false);
            matvec(Op.UP.task(l), weights.ffnUp()[l], xb, hb2, false);
            graph.task(Op.SWIGLU.task(l), SwigluKernels::swiglu, hb, hb2, config.hiddenDim());
            items(Op.SWIGLU.task(l), config.hiddenDim());
            matvec(Op.DOWN.task(l), weights.ffnDown()[l], hb, x, true);
        }

        // final RMSNorm, output head
        void head() {
            rmsNorm(Op.OUTPUT_NORM.task(-1), weights.outputNorm());
            matvec(Op.LOGITS.task(-1), weights.output(), xb, logits, false);
        }

        /** xb = rmsnorm(x) * weight. */
        void rmsNorm(String name, float[] weight) {
            graph.task(name, RmsNormKernels::rmsNorm, x, once(weight), xb, config.dim(), config.rmsEps());
            grids.put(graph.name() + "." + name, Grid.of(reduceGroup, reduceGroup));
        }

        /** out = w · in, or out += w · in when {@code accumulate} (the residual add). */
        void matvec(String name, WeightMatrix w, float[] in, float[] out, boolean accumulate) {
            int add = accumulate ? 1 : 0;
            switch (w) {
                case WeightMatrix.F32 m -> graph.task(name, MatvecKernels::matvecF32, once(m.w()), in, out, m.rows(),
                        m.cols(), add);
                case WeightMatrix.F16 m -> graph.task(name, MatvecKernels::matvecF16, once(m.w()), in, out, m.rows(),
                        m.cols(), add);
                case WeightMatrix.Bf16 m -> graph.task(name, MatvecKernels::matvecBf16, once(m.w()), in, out, m.rows(),
                        m.cols(), add);
                case WeightMatrix.Q8 m -> graph.task(name, MatvecKernels::matvecQ8, once(m.scales()), once(m.quants()), in,
                        out, m.rows(), m.cols(), add);
            }
            grids.put(graph.name() + "." + name, Grid.of((long) w.rows() * reduceGroup, reduceGroup));
        }

        /** A parallel-loop task's grid: one work-item per iteration. */
        void items(String name, int n) {
            grids.put(graph.name() + "." + name, Grid.covering(n, Math.min(ITEM_GROUP, device.maxWorkGroupSize())));
        }

        /** An array sent to the device on the segment's first execution only (weights, tables). */
        <T> T once(T array) {
            if (uploadOnce.add(array)) {
                uploadOrder.add(array);
            }
            return array;
        }

        /**
         * The segment's plan. {@code hostLayer}: the layer whose attention runs on the host
         * after it (its q, k, v and the residual stream come back), or -1 for the last segment
         * (the logits come back).
         */
        Segment build(int hostLayer) {
            graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, uploadOrder.toArray());
            if (fromHost) {
                graph.transferToDevice(DataTransferMode.EVERY_EXECUTION, x, att);
            }
            if (hostLayer >= 0) {
                graph.transferToHost(DataTransferMode.EVERY_EXECUTION, x, q, k, v);
            } else {
                graph.transferToHost(DataTransferMode.EVERY_EXECUTION, logits);
            }
            ExecutionPlan plan = new ExecutionPlan(device, graph.snapshot());
            try {
                grids.forEach(plan::withGrid);
            } catch (RuntimeException e) {
                plan.close();
                throw e;
            }
            return new Segment(plan, hostLayer, List.copyOf(cachedLayers), List.copyOf(layers));
        }
    }
}
