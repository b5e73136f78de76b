package sparse.engine.bench;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.LayerCache;
import sparse.engine.attention.dense.IndexListAttention;
import sparse.engine.attention.hardlsh.HardLshOptions;
import sparse.engine.attention.methods.MethodSettings;
import sparse.engine.attention.methods.Methods;
import sparse.engine.attention.quest.QuestOptions;
import sparse.engine.attention.sketchwalk.SketchWalkAttention;
import sparse.engine.attention.sketchwalk.SketchWalkOptions;
import sparse.engine.attention.socket.SocketOptions;
import sparse.engine.backend.Device;
import sparse.engine.graph.ExecutionResult;
import sparse.engine.graph.StepTiming;
import sparse.tasks.kernels.attention.DecodeAttentionReference;
import sparse.tasks.kernels.sketch.SketchParameters;

/**
 * The decode step of one attention layer, timed on one device: the first step of each cache
 * (upload, hashing of the whole context) untimed and checked against float64 attention over
 * the lists it chose; warm-up steps; then {@code repeats} steps timed by wall clock,
 * {@code repeats} timed by the device with an event before the step's first launch and after
 * its last, and {@code repeats} more with an event between each two launches as well, for the
 * stages ({@link sparse.engine.backend.Device#timeSpans}). Steps
 * rotate through several caches and queries, so that a small context does not sit in the L2
 * cache.
 *
 * <p>The step's time is the median of the device spans: its kernels back to back, queued
 * before the first event fires where the device can hold them (CUDA), so that the host's
 * launches do not count, as the peer's call is queued behind torch.cuda._sleep. A stage's time
 * is the median of its tasks' parts of their steps' spans, the events between them included,
 * so the stages can add up to a little more than the step.
 *
 * <p>A batch of B sequences is one step over B caches of the same length: the layer with B
 * times the heads ({@link LayerShape#batched}), which is exact for every method whose lists
 * belong to a query head or a KV head; Sketch&amp;Walk's one block list per layer would be
 * shared by the sequences, so it runs at batch 1 only.
 *
 * <p>Each cache is its own layer. Sketch&amp;Walk's caches are sparse layers (the first layers
 * after its dense ones), never a dense layer, and each starts its decode as after a real
 * prefill: before its first step, {@link SketchWalkAttention#prefillSelection} runs over the
 * cache's first T − 1 tokens with N(0, 1) prefill queries (untimed), so that its running block
 * matrix is the prefill's full Â and its window holds the last 32 prefill queries; then every
 * step decodes the query of token T. Its decode carries nothing from layer to layer.
 */
public final class DecodeBenchmark {

    /** SOCKET with one list per KV-head group, scores summed over the group. */
    public static final String SOCKET_SHARED = "socket-shared";
    /** The methods the bench times: those that run as one task graph per layer. */
    public static final List<String> METHODS = List.of("dense", "oracle", "socket", SOCKET_SHARED, "hardlsh", "streaming",
            "sketchwalk", "quest");
    /** Warm-up steps per cache. */
    static final int WARMUP = 3;
    /** Rotated caches together hold at least this much (several times the H100's 50 MB L2)... */
    static final long ROTATED_BYTES = 256L << 20;
    /** ...in at least 2 and at most this many caches, as device memory allows. */
    static final int MAX_CACHES = 8;

    /** Task names, as the methods spell them, to the stage they belong to. */
    private static final Map<String, String> STAGES = Map.ofEntries(
            Map.entry("pack", "pack"), Map.entry("codes", "hash"), Map.entry("norms", "hash"), Map.entry("mean", "hash"),
            Map.entry("tables", "hash"), Map.entry("query", "hash"),
            Map.entry("poolK", "sketch"), Map.entry("sketchK", "sketch"), Map.entry("sketchQ", "sketch"),
            Map.entry("bounds", "bounds"),
            Map.entry("scores", "score"), Map.entry("weights", "score"), Map.entry("logits", "score"),
            Map.entry("stats", "score"),
            Map.entry("updateRow", "walk"), Map.entry("hop", "walk"),
            Map.entry("list", "select"), Map.entry("select", "select"), Map.entry("quantile", "select"),
            Map.entry("top", "select"),
            Map.entry("fixed", "attend"), Map.entry("attend", "attend"), Map.entry("merge", "merge"));

    private static final List<String> STAGE_ORDER = List.of("pack", "hash", "sketch", "bounds", "score", "walk", "select",
            "attend", "merge");

    private final Device device;
    private final LayerShape shape;     // the batch's: every sequence's heads
    private final int batch;
    private final MethodSettings settings;
    private final int repeats;
    private final int tilesPerChunk;

    /**
     * @param shape         one sequence's layer
     * @param batch         sequences per step
     * @param tilesPerChunk flash-decode chunk size in tiles, 0 for the methods' own choice
     *                      ({@link IndexListAttention#setTilesPerChunk})
     */
    public DecodeBenchmark(Device device, LayerShape shape, int batch, MethodSettings settings, int repeats,
                           int tilesPerChunk) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        if (tilesPerChunk < 0 || tilesPerChunk > IndexListAttention.MAX_TILES_PER_CHUNK) {
            throw new IllegalArgumentException("tiles per chunk must be in [0, " + IndexListAttention.MAX_TILES_PER_CHUNK
                    + "] (0: automatic), got " + tilesPerChunk);
        }
        this.device = device;
        this.shape = shape.batched(batch);
        this.batch = batch;
        this.settings = settings;
        this.repeats = repeats;
        this.tilesPerChunk = tilesPerChunk;
    }

    /** Checks a method name, throwing a one-line error listing the ones the bench takes. */
    public static String checkName(String name) {
        if (!METHODS.contains(name)) {
            throw new IllegalArgumentException("the bench times " + String.join(", ", METHODS) + "; not '" + name + "'");
        }
        return name;
    }

    /**
     * Checks that the bench takes {@code method} at this batch and that the method reaches
     * {@code density}, with a one-line error.
     */
    public void check(String method, double density) {
        checkName(method);
        if (method.equals("sketchwalk") && batch > 1) {
            throw new IllegalArgumentException("sketchwalk runs at batch 1 only: its one block list per layer would be"
                    + " shared by the " + batch + " sequences of a step");
        }
        if (!method.equals("dense") && !method.equals(SOCKET_SHARED)) {
            settings.options(method, density);
        }
    }

    /**
     * Caches to rotate at {@code context}: enough to hold {@link #ROTATED_BYTES}, at least 2, as
     * device memory and the Java heap allow (at least 1).
     */
    public int caches(int context) {
        long bytes = BenchInputs.cacheBytes(shape, context);
        int wanted = (int) Math.clamp(Math.ceilDiv(ROTATED_BYTES, bytes), 2, MAX_CACHES);
        // each cache is a layer on the device: K and V, and about as much again for the method's
        // arrays; on the host too, where the arrays' Java twins live
        long perCache = 2 * bytes + (long) shape.hq() * context * 16;
        Runtime jvm = Runtime.getRuntime();
        long freeHeap = jvm.maxMemory() - (jvm.totalMemory() - jvm.freeMemory());
        long fit = Math.min(device.freeMemoryBytes(), freeHeap) * 3 / 4 / perCache;
        return (int) Math.clamp(fit, 1, wanted);
    }

    /** Random inputs for {@code context}, with {@link #caches} caches. */
    public BenchInputs inputs(int context, long seed) {
        return BenchInputs.random(shape, context, caches(context), seed);
    }

    /** Times {@code method} at {@code density} (ignored by dense) over {@code in}. */
    public BenchResult run(String method, double density, BenchInputs in, double copyBytesPerSecond) {
        check(method, density);
        int t = in.context();
        LayerCache[] caches = in.caches();
        try (AttentionMethod m = open(method, density)) {
            Timing timing = Timing.of(m);
            if (m instanceof IndexListAttention list) {
                list.setTilesPerChunk(tilesPerChunk);
            } else if (m instanceof SketchWalkAttention sketchWalk) {
                sketchWalk.setTilesPerChunk(tilesPerChunk);
            }
            int[] layers = layers(m, caches.length);
            if (m instanceof SketchWalkAttention sketchWalk) {
                startFromPrefill(sketchWalk, layers, in);
            }
            DecodeResult first = null;
            for (int c = 0; c < caches.length; c++) {
                m.load(layers[c], caches[c]);
                DecodeResult r = m.decode(in.queries()[c % in.queries().length], shape.hq(), t);
                if (c == 0) {
                    first = r;
                }
            }
            double check = method.equals("hardlsh") ? Double.NaN : checkError(first, in.queries()[0], caches[0]);
            int step = 0;
            for (int i = 0; i < WARMUP * caches.length; i++) {
                step(m, layers, in, step++);
            }
            long[] wall = new long[repeats];
            for (int i = 0; i < repeats; i++) {
                long start = System.nanoTime();
                step(m, layers, in, step++);
                wall[i] = System.nanoTime() - start;
            }
            // the step's time with events around it only; each stage's part in as many steps more,
            // with an event between each two launches
            timing.stepTiming().accept(StepTiming.STEP);
            long[] span = new long[repeats];
            for (int i = 0; i < repeats; i++) {
                step(m, layers, in, step++);
                span[i] = timing.last().get().stepNanos();
            }
            timing.stepTiming().accept(StepTiming.TASKS);
            int tasks = 0;
            Map<String, long[]> stages = new LinkedHashMap<>();
            for (int i = 0; i < repeats; i++) {
                step(m, layers, in, step++);
                ExecutionResult r = timing.last().get();
                tasks = r.taskTimesNanos().size();
                for (var e : r.taskTimesNanos().entrySet()) {
                    stages.computeIfAbsent(stageOf(e.getKey()), s -> new long[repeats])[i] += e.getValue();
                }
            }
            timing.stepTiming().accept(StepTiming.OFF);
            Map<String, Double> stageMicros = new LinkedHashMap<>();
            stages.entrySet().stream().sorted(Comparator.comparingInt(e -> stageRank(e.getKey())))
                    .forEach(e -> stageMicros.put(e.getKey(), median(e.getValue()) / 1e3));
            long bytes = attendedBytes(first) + selectionBytes(method, density, t);
            return new BenchResult(method, t, batch, device.id() + " (" + device.name() + ")", first.density(t),
                    median(span) / 1e3, median(wall) / 1e3, stageMicros, tasks, bytes, copyBytesPerSecond, check,
                    caches.length, repeats);
        }
    }

    private AttentionMethod open(String method, double density) {
        if (method.equals(SOCKET_SHARED)) {
            return Methods.open("socket", density, settings.withSocketShared(true), device);
        }
        return Methods.open(method, method.equals("dense") ? 1.0 : density, settings, device);
    }

    /** How the bench switches a method's timing and reads its last step. */
    private record Timing(Consumer<StepTiming> stepTiming, Supplier<ExecutionResult> last) {
        static Timing of(AttentionMethod m) {
            return switch (m) {
                case IndexListAttention l -> new Timing(l::setStepTiming, l::lastExecution);
                case SketchWalkAttention s -> new Timing(s::setStepTiming, s::lastExecution);
                default -> throw new IllegalArgumentException("the bench cannot time " + m.name());
            };
        }
    }

    /** The layer of each cache: 0, 1, ..., or for Sketch&amp;Walk the first layers it does not attend densely. */
    private static int[] layers(AttentionMethod m, int caches) {
        if (!(m instanceof SketchWalkAttention s)) {
            return IntStream.range(0, caches).toArray();
        }
        return IntStream.iterate(0, l -> l + 1).filter(l -> !s.options().isDense(l)).limit(caches).toArray();
    }

    /**
     * Each layer's prefill selection over its cache's first T − 1 tokens, with N(0, 1) queries
     * shared by the layers: the state a real prefill leaves (see the class comment).
     */
    private void startFromPrefill(SketchWalkAttention m, int[] layers, BenchInputs in) {
        int tokens = in.context() - 1;
        if (tokens < 1) {
            return;  // one token: nothing to prefill, the decode starts from an empty state
        }
        float[] q = in.prefillQueries(tokens);
        for (int c = 0; c < layers.length; c++) {
            LayerCache cache = in.caches()[c];
            m.prefillSelection(layers[c], q, shape.hq(),
                    new LayerCache(cache.hkv(), cache.d(), cache.capacity(), tokens, cache.k(), cache.v()));
        }
    }

    /** Step {@code i}: cache {@code i mod caches}, query {@code i mod queries}. */
    private void step(AttentionMethod m, int[] layers, BenchInputs in, int i) {
        int c = i % in.caches().length;
        m.load(layers[c], in.caches()[c]);
        m.decode(in.queries()[i % in.queries().length], shape.hq(), in.context());
    }

    /** The largest relative error over heads of {@code r} against float64 attention over its own lists. */
    private double checkError(DecodeResult r, float[] q, LayerCache cache) {
        int hq = shape.hq(), d = shape.d();
        return IntStream.range(0, hq).parallel().mapToDouble(h -> {
            double[] ref = DecodeAttentionReference.decode(q, cache.k(), cache.v(), h, hq, shape.hkv(), d,
                    cache.capacity(), r.selected()[h], null);
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < d; i++) {
                double e = r.output()[h * d + i] - ref[i];
                diff += e * e;
                norm += ref[i] * ref[i];
            }
            return Math.sqrt(diff / norm);
        }).max().orElseThrow();
    }

    /** K and V rows attended: each list once per KV head whose query heads share it. */
    private long attendedBytes(DecodeResult r) {
        int group = shape.hq() / shape.hkv();
        Map<int[], Set<Integer>> readers = new IdentityHashMap<>();
        for (int h = 0; h < shape.hq(); h++) {
            readers.computeIfAbsent(r.selected()[h], l -> new HashSet<>()).add(h / group);
        }
        long rows = 0;
        for (var e : readers.entrySet()) {
            rows += (long) e.getKey().length * e.getValue().size();
        }
        return rows * 2 * shape.d() * Short.BYTES;
    }

    /**
     * What the selection must read once per step: codes and norms, or the keys; Sketch&amp;Walk
     * its key-block sketches and the lower triangle of its block matrix (fp32); Quest its
     * per-page key bounds (fp32 minimum and maximum).
     */
    private long selectionBytes(String method, double density, int t) {
        long tokens = (long) shape.hkv() * t;
        return switch (method) {
            case "sketchwalk" -> {
                SketchWalkOptions o = (SketchWalkOptions) settings.options("sketchwalk", density);
                long blocks = Math.ceilDiv(t, o.blockSize());
                int m = SketchParameters.of(shape.d(), o.sketchDim(), o.seed(), 0).m();
                yield (shape.hkv() * blocks * m + blocks * (blocks + 1) / 2) * Float.BYTES;
            }
            case "quest" -> {
                long pages = Math.ceilDiv(t, ((QuestOptions) settings.options("quest", density)).pageSize());
                yield 2L * shape.hkv() * pages * shape.d() * Float.BYTES;
            }
            case "socket", SOCKET_SHARED -> {
                SocketOptions o = (SocketOptions) settings.options("socket", density);
                yield tokens * o.tables() * (o.byteCodes() ? 1 : 2) + (o.valueNorms() ? tokens * Float.BYTES : 0);
            }
            case "oracle" -> tokens * shape.d() * Short.BYTES;
            case "hardlsh" -> tokens * ((HardLshOptions) settings.options("hardlsh", density)).tables() * Short.BYTES;
            default -> 0;
        };
    }

    /** Stages in the order a step runs them; others after. */
    private static int stageRank(String stage) {
        int i = STAGE_ORDER.indexOf(stage);
        return i < 0 ? STAGE_ORDER.size() : i;
    }

    /** The stage of a task: by its name, without the number of a pass ({@code select2}). */
    static String stageOf(String taskId) {
        String task = taskId.substring(taskId.indexOf('.') + 1).replaceAll("\\d+$", "");
        return STAGES.getOrDefault(task, task);
    }

    private static double median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
