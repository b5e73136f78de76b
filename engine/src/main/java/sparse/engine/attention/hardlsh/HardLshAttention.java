package sparse.engine.attention.hardlsh;

import sparse.engine.attention.Budget;
import sparse.engine.attention.dense.IndexListAttention;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.DataTransferMode;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.Scalar;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.hash.Hyperplanes;
import sparse.tasks.kernels.hash.SimHashKernels;
import sparse.tasks.kernels.score.ScoreKernels;
import sparse.tasks.kernels.select.SelectKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * Hard LSH sampling, MagicPIG-style (ALGORITHMS.md §3): keys, centred by the mean key of the
 * context visible at a layer's first step (MagicPIG: the prompt's mean key), get SimHash codes
 * as they are cached; each step every
 * query head attends its sink, its window and every key that collides with it in at least one
 * table, each sampled key's weight divided by its collision probability
 * {@code u = 1 − (1 − (1 − θ/π)^K)^L}.
 *
 * <p>Graph per layer: {@code mean} (first step only), {@code codes} (rows appended since the
 * last step), {@code query}, {@code select}, {@code weights}, then {@code attend}, {@code merge}.
 */
public final class HardLshAttention extends IndexListAttention {
    static final String MEAN = "mean";
    static final String CODES = "codes";
    static final String QUERY = "query";
    static final String SELECT = "select";
    static final String WEIGHTS = "weights";

    private final HardLshOptions options;
    private float[] planes;

    public HardLshAttention(Device device, HardLshOptions options) {
        super(device);
        if (options == null) {
            throw new IllegalArgumentException("options are null");
        }
        this.options = options;
    }

    @Override
    public String name() {
        return "hardlsh";
    }

    @Override
    protected int listRows(int hq, int hkv) {
        return hq;
    }

    @Override
    protected boolean weighted() {
        return true;
    }

    @Override
    protected Selection newSelection(LayerArrays a) {
        int bits = options.bits(), tables = options.tables();
        if (planes == null || planes.length != tables * bits * a.d()) {
            planes = Hyperplanes.gaussian(options.seed(), tables, bits, a.d());
        }
        float[] layerPlanes = planes;
        float[] mean = new float[a.hkv() * a.d()];
        short[] keyCodes = new short[a.hkv() * tables * a.capacity()];
        short[] queryCodes = new short[a.hq() * tables];
        Scalar meanOver = Scalar.ofInt(0);
        Scalar sink = Scalar.ofInt(0);
        Scalar window = Scalar.ofInt(0);
        return new Selection() {
            @Override
            public void addTasks(TaskGraph graph) {
                int hq = a.hq(), hkv = a.hkv(), d = a.d(), capacity = a.capacity();
                graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, layerPlanes)
                        .task(a.task(MEAN), KernelSpec.lookup(SimHashKernels.class, "keyMean"),
                                a.k(), mean, hkv, capacity, d, meanOver)
                        .task(a.task(CODES), KernelSpec.lookup(SimHashKernels.class, "centredKeyCodes"),
                                a.k(), mean, layerPlanes, keyCodes, hkv, capacity, d, tables, bits, a.appendFrom(),
                                a.appendCount())
                        .task(a.task(QUERY), KernelSpec.lookup(SimHashKernels.class, "queryCodes"),
                                a.q(), layerPlanes, queryCodes, hq, d, tables, bits)
                        .task(a.task(SELECT), KernelSpec.lookup(SelectKernels.class, "selectColliding"),
                                keyCodes, queryCodes, a.indices(), a.counts(), hq, hkv, capacity, tables, a.listStride(),
                                a.visible(), sink, window)
                        .task(a.task(WEIGHTS), KernelSpec.lookup(ScoreKernels.class, "inverseCollisionLogWeights"),
                                a.q(), a.k(), mean, a.indices(), a.counts(), a.logWeights(), hq, hkv, d, capacity,
                                a.listStride(), sink, window, tables, bits);
            }

            @Override
            public int prepare(ExecutionPlan plan, Step step) {
                Budget b = options.sinkAndWindow(step.visible());
                sink.set(b.sink());
                window.set(b.window());
                // the mean of the context visible when hashing starts; later rows are centred by it
                meanOver.set(step.firstHashing() ? step.visible() : 0);
                int hq = a.hq(), hkv = a.hkv();
                plan.withGrid(a.id(MEAN), Grid.of(roundUp((long) hkv * a.d(), 128), 128))
                        .withGrid(a.id(CODES),
                                Grid.of(roundUp(step.appendCount(), 64), (long) hkv * tables, 64, 1))
                        .withGrid(a.id(QUERY), Grid.of(roundUp((long) hq * tables, 64), 64))
                        .withGrid(a.id(SELECT), Grid.of((long) hq * SelectKernels.GROUP, SelectKernels.GROUP))
                        .withGrid(a.id(WEIGHTS), Grid.of(roundUp(step.visible(), 128), hq, 128, 1));
                return step.visible();
            }
        };
    }
}
