package sparse.engine.bench;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.LayerCache;
import sparse.engine.attention.dense.IndexListAttention;
import sparse.engine.attention.hardlsh.HardLshOptions;
import sparse.engine.attention.methods.MethodSettings;
import sparse.engine.attention.methods.Methods;
import sparse.engine.attention.socket.SocketOptions;
import sparse.engine.backend.Device;
import sparse.engine.graph.ExecutionResult;
import sparse.tasks.kernels.attention.DecodeAttentionReference;

/**
 * The decode step of one attention layer, timed on one device: the first step of each cache
 * (upload, hashing of the whole context) untimed and checked against float64 attention over
 * the lists it chose; warm-up steps; then {@code repeats} steps timed by wall clock,
 * {@code repeats} timed by the device from before the step's first launch to after its last
 * ({@link sparse.engine.backend.Device#timeSpan}), and {@code repeats} more with each task
 * timed alone for the stage breakdown. Steps rotate through several caches and queries, so
 * that a small context does not sit in the L2 cache.
 *
 * <p>The step's time is the median of the device spans: its kernels back to back as the host
 * issues them, so launch gaps count where they leave the device idle. Each stage's time is a
 * task timed alone, its launch latency inside the window, so the stages add up to more.
 */
public final class DecodeBenchmark {

    /** SOCKET with one list per KV-head group, scores summed over the group. */
    public static final String SOCKET_SHARED = "socket-shared";
    /** The methods the bench times: those that run as one task graph per layer. */
    public static final List<String> METHODS = List.of("dense", "oracle", "socket", SOCKET_SHARED, "hardlsh", "streaming");
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
            Map.entry("scores", "score"), Map.entry("weights", "score"),
            Map.entry("list", "select"), Map.entry("select", "select"),
            Map.entry("attend", "attend"), Map.entry("merge", "merge"));

    private static final List<String> STAGE_ORDER = List.of("pack", "hash", "score", "select", "attend", "merge");

    private final Device device;
    private final LayerShape shape;
    private final MethodSettings settings;
    private final int repeats;
    private final int tilesPerChunk;

    /**
     * @param tilesPerChunk flash-decode chunk size in tiles, 0 for the methods' own choice
     *                      ({@link IndexListAttention#setTilesPerChunk})
     */
    public DecodeBenchmark(Device device, LayerShape shape, MethodSettings settings, int repeats, int tilesPerChunk) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        if (tilesPerChunk < 0 || tilesPerChunk > IndexListAttention.MAX_TILES_PER_CHUNK) {
            throw new IllegalArgumentException("tiles per chunk must be in [0, " + IndexListAttention.MAX_TILES_PER_CHUNK
                    + "] (0: automatic), got " + tilesPerChunk);
        }
        this.device = device;
        this.shape = shape;
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

    /** Caches to rotate at {@code context}: enough to hold {@link #ROTATED_BYTES}, at least 2, as memory allows. */
    public int caches(int context) {
        long bytes = BenchInputs.cacheBytes(shape, context);
        int wanted = (int) Math.clamp(Math.ceilDiv(ROTATED_BYTES, bytes), 2, MAX_CACHES);
        // each cache is a layer on the device: K and V, and about as much again for the method's arrays
        long fit = device.freeMemoryBytes() * 3 / 4 / (2 * bytes + (long) shape.hq() * context * 16);
        return (int) Math.clamp(fit, 1, wanted);
    }

    /** Random inputs for {@code context}, with {@link #caches} caches. */
    public BenchInputs inputs(int context, long seed) {
        return BenchInputs.random(shape, context, caches(context), seed);
    }

    /** Times {@code method} at {@code density} (ignored by dense) over {@code in}. */
    public BenchResult run(String method, double density, BenchInputs in, double copyBytesPerSecond) {
        checkName(method);
        int t = in.context();
        LayerCache[] caches = in.caches();
        // every method the bench takes is an index-list method
        try (IndexListAttention m = (IndexListAttention) open(method, density)) {
            m.setTilesPerChunk(tilesPerChunk);
            DecodeResult first = null;
            for (int c = 0; c < caches.length; c++) {
                m.load(c, caches[c]);
                DecodeResult r = m.decode(in.queries()[c % in.queries().length], shape.hq(), t);
                if (c == 0) {
                    first = r;
                }
            }
            double check = method.equals("hardlsh") ? Double.NaN : checkError(first, in.queries()[0], caches[0]);
            int step = 0;
            for (int i = 0; i < WARMUP * caches.length; i++) {
                step(m, in, step++);
            }
            long[] wall = new long[repeats];
            for (int i = 0; i < repeats; i++) {
                long start = System.nanoTime();
                step(m, in, step++);
                wall[i] = System.nanoTime() - start;
            }
            m.setStepTiming(true);
            long[] span = new long[repeats];
            for (int i = 0; i < repeats; i++) {
                step(m, in, step++);
                span[i] = m.lastExecution().stepNanos();
            }
            m.setStepTiming(false);
            m.setProfiling(true);
            int tasks = 0;
            Map<String, long[]> stages = new LinkedHashMap<>();
            for (int i = 0; i < repeats; i++) {
                step(m, in, step++);
                ExecutionResult r = m.lastExecution();
                tasks = r.taskTimesNanos().size();
                for (var e : r.taskTimesNanos().entrySet()) {
                    stages.computeIfAbsent(stageOf(e.getKey()), s -> new long[repeats])[i] += e.getValue();
                }
            }
            Map<String, Double> stageMicros = new LinkedHashMap<>();
            stages.entrySet().stream().sorted(Comparator.comparingInt(e -> stageRank(e.getKey())))
                    .forEach(e -> stageMicros.put(e.getKey(), median(e.getValue()) / 1e3));
            long bytes = attendedBytes(first) + selectionBytes(method, density, t);
            return new BenchResult(method, t, 1, device.id() + " (" + device.name() + ")", first.density(t),
                    median(span) / 1e3, median(wall) / 1e3, stageMicros, tasks, bytes, copyBytesPerSecond, check,
                    caches.length, repeats);
        }
    }

    private AttentionMethod open(String method, double density) {
        if (method.equals(SOCKET_SHARED)) {
            MethodSettings s = settings;
            MethodSettings shared = new MethodSettings(s.sink(), s.window(), s.socketBits(), s.socketTables(), s.socketTau(),
                    true, s.socketValueNorms(), s.sketchDim(), s.sketchDenseLayers());
            return Methods.open("socket", density, shared, device);
        }
        return Methods.open(method, method.equals("dense") ? 1.0 : density, settings, device);
    }

    /** Step {@code i}: cache {@code i mod caches}, query {@code i mod queries}. */
    private void step(IndexListAttention m, BenchInputs in, int i) {
        int c = i % in.caches().length;
        m.load(c, in.caches()[c]);
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

    /** What the selection must read once per step: codes and norms, or the keys. */
    private long selectionBytes(String method, double density, int t) {
        long tokens = (long) shape.hkv() * t;
        return switch (method) {
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
