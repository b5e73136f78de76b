package sparse.engine.attention.socket;

import sparse.engine.attention.Budget;
import sparse.engine.attention.dense.IndexListAttention;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.DataTransferMode;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.Scalar;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.hash.Hyperplanes;
import sparse.tasks.kernels.hash.SocketHashKernels;
import sparse.tasks.kernels.score.ScoreKernels;
import sparse.tasks.kernels.select.SelectKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * SOCKET (ALGORITHMS.md §1): keys get hard LSH codes and value norms as they are cached; each
 * step the query's bucket probabilities (two factor tables per hash table) score every key by
 * soft collision, and each query head attends its sink, window and top-M keys.
 *
 * <p>Graph per layer: {@code codes}, {@code norms} (rows appended since the last step),
 * {@code projections}, {@code tables}, {@code scores}, [{@code group}], {@code select}, then
 * the shared {@code attend}, {@code merge}.
 */
public final class SocketAttention extends IndexListAttention {
    static final String CODES = "codes";
    static final String NORMS = "norms";
    static final String PROJECTIONS = "projections";
    static final String TABLES = "tables";
    static final String SCORES = "scores";
    static final String GROUP = "group";
    static final String SELECT = "select";

    private final SocketOptions options;
    /** [tables][bits][d] per head dimension, shared by every layer. */
    private float[] planes;

    public SocketAttention(Device device, SocketOptions options) {
        super(device);
        if (options == null) {
            throw new IllegalArgumentException("options are null");
        }
        this.options = options;
    }

    public SocketOptions options() {
        return options;
    }

    @Override
    public String name() {
        return "socket";
    }

    @Override
    protected int listRows(int hq, int hkv) {
        return options.sharedPerGroup() ? hkv : hq;
    }

    @Override
    protected Selection newSelection(LayerArrays a) {
        int bits = options.bits(), tables = options.tables();
        if (planes == null || planes.length != tables * bits * a.d()) {
            planes = Hyperplanes.gaussian(options.seed(), tables, bits, a.d());
        }
        return new SocketSelection(a, planes);
    }

    private final class SocketSelection implements Selection {
        final LayerArrays a;
        final float[] planes;
        /** [hkv][tables][capacity]: byte[] up to 8 bits, short[] above. */
        final Object codes;
        /** [hkv][capacity], or one unused element with value norms off. */
        final float[] norms;
        final float[] projections;
        final float[] high;
        final float[] low;
        final float[] scores;
        /** [hkv][capacity] with per-group lists, else the per-head scores themselves. */
        final float[] selectionScores;
        final Scalar sink = Scalar.ofInt(0);
        final Scalar window = Scalar.ofInt(0);
        final Scalar heavy = Scalar.ofInt(0);

        SocketSelection(LayerArrays a, float[] planes) {
            this.a = a;
            this.planes = planes;
            int bits = options.bits(), tables = options.tables();
            int codeCount = a.hkv() * tables * a.capacity();
            codes = options.byteCodes() ? new byte[codeCount] : new short[codeCount];
            norms = new float[options.valueNorms() ? a.hkv() * a.capacity() : 1];
            projections = new float[a.hq() * tables * bits];
            high = new float[a.hq() * tables << (bits - bits / 2)];
            low = new float[a.hq() * tables << (bits / 2)];
            scores = new float[a.hq() * a.capacity()];
            selectionScores = options.sharedPerGroup() ? new float[a.hkv() * a.capacity()] : scores;
        }

        @Override
        public void addTasks(TaskGraph graph) {
            int bits = options.bits(), tables = options.tables();
            int hq = a.hq(), hkv = a.hkv(), d = a.d(), capacity = a.capacity();
            float scale = (float) (2 / (Math.sqrt(d) * options.tau()));
            graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, planes);
            graph.task(CODES, kernel(SocketHashKernels.class, options.byteCodes() ? "keyCodesAsBytes" : "keyCodesAsShorts"),
                    a.k(), planes, codes, hkv, capacity, d, tables, bits, a.appendFrom(), a.appendCount());
            if (options.valueNorms()) {
                graph.task(NORMS, kernel(SocketHashKernels.class, "valueNorms"),
                        a.v(), norms, hkv, capacity, d, a.appendFrom(), a.appendCount());
            }
            graph.task(PROJECTIONS, kernel(SocketHashKernels.class, "queryProjections"),
                            a.q(), planes, projections, hq, d, tables, bits, scale)
                    .task(TABLES, kernel(SocketHashKernels.class, "queryTables"), projections, high, low, hq, tables, bits)
                    .task(SCORES, kernel(ScoreKernels.class,
                                    options.byteCodes() ? "softCollisionScoresFromBytes" : "softCollisionScoresFromShorts"),
                            codes, norms, high, low, scores, hq, hkv, capacity, a.visible(), tables, bits,
                            options.valueNorms() ? 1 : 0);
            if (options.sharedPerGroup()) {
                graph.task(GROUP, kernel(ScoreKernels.class, "sumOverGroup"),
                        scores, selectionScores, hq, hkv, capacity, a.visible());
            }
            graph.task(SELECT, kernel(SelectKernels.class, "selectTopM"), selectionScores, a.indices(), a.counts(),
                    capacity, a.listStride(), a.visible(), sink, window, heavy);
        }

        @Override
        public int prepare(ExecutionPlan plan, Step step) {
            Budget b = options.budget().resolve(step.visible());
            sink.set(b.sink());
            window.set(b.window());
            heavy.set(b.heavy());
            int bits = options.bits(), tables = options.tables();
            int hq = a.hq(), hkv = a.hkv();
            String g = name();
            plan.withGrid(LayerArrays.id(g, CODES), Grid.of(roundUp(step.appendCount(), 64), (long) hkv * tables, 64, 1));
            if (options.valueNorms()) {
                plan.withGrid(LayerArrays.id(g, NORMS), Grid.of(roundUp(step.appendCount(), 64), hkv, 64, 1));
            }
            plan.withGrid(LayerArrays.id(g, PROJECTIONS), Grid.of(roundUp((long) hq * tables * bits, 64), 64))
                    .withGrid(LayerArrays.id(g, TABLES), Grid.of(roundUp((long) hq * tables
                            * ((1 << (bits - bits / 2)) + (1 << (bits / 2))), 64), 64))
                    .withGrid(LayerArrays.id(g, SCORES), Grid.of(roundUp(step.visible(), 256), hq, 256, 1))
                    .withGrid(LayerArrays.id(g, SELECT), Grid.of((long) a.rows() * SelectKernels.GROUP, SelectKernels.GROUP));
            if (options.sharedPerGroup()) {
                plan.withGrid(LayerArrays.id(g, GROUP), Grid.of(roundUp(step.visible(), 256), hkv, 256, 1));
            }
            return b.total();
        }
    }

    static KernelSpec kernel(Class<?> kernels, String name) {
        return KernelSpec.lookup(kernels, name);
    }
}
