package sparse.engine.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import sparse.engine.backend.BackendException;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.tasks.lang.KernelSpec;

/**
 * Runs a task graph on one device, as many times as asked, over the same device buffers.
 * Creating the plan allocates a buffer for every array the graph uses and compiles every
 * kernel; {@link #close()} frees the buffers. It runs only on the device it was given: a
 * kernel that fails there fails the execution. Not thread-safe.
 *
 * <p>Each task's launch grid is, first found: {@link #withGrid}, then the configured grids
 * ({@link #withConfiguredGrids}), then for parallel-loop kernels a default covering the loop's
 * bound. Context-style kernels have no default.
 */
public final class ExecutionPlan implements AutoCloseable {
    /** Default work-group size for parallel-loop kernels (capped by the device's maximum). */
    private static final int DEFAULT_LOCAL = 256;
    /** Default grids stop at this many work-groups: the translated loops are grid-stride. */
    private static final long MAX_DEFAULT_GROUPS = 65536;

    private final Device device;
    private final ImmutableTaskGraph graph;
    /** The graph's task ids, for the checks of withGrid and withSkipped: a model's step sets hundreds of grids. */
    private final Set<String> taskIds;
    private final Map<Object, DeviceBuffer> buffers = new IdentityHashMap<>();
    private final List<Device.CompiledKernel> kernels = new ArrayList<>();
    private final Map<String, Grid> grids = new HashMap<>();
    private Map<String, Grid> configuredGrids = Map.of();
    private boolean profiling;
    private StepTiming stepTiming = StepTiming.OFF;
    private final Set<String> skipped = new HashSet<>();
    private long executions;
    private boolean closed;

    public ExecutionPlan(Device device, ImmutableTaskGraph graph) {
        this.device = device;
        this.graph = graph;
        this.taskIds = Set.copyOf(graph.taskIds());
        try {
            for (ImmutableTaskGraph.Task task : graph.tasks()) {
                for (Object arg : task.args()) {
                    if (arg.getClass().isArray() && !buffers.containsKey(arg)) {
                        buffers.put(arg, device.allocate(ElementType.of(arg), ElementType.length(arg)));
                    }
                }
            }
            for (ImmutableTaskGraph.Task task : graph.tasks()) {
                kernels.add(device.compile(task.spec()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Runs task {@code taskId} ({@code graph.task}) over {@code grid}. */
    public ExecutionPlan withGrid(String taskId, Grid grid) {
        checkTaskId(taskId);
        long items = grid.workGroupSize();
        if (items > device.maxWorkGroupSize()) {
            throw new IllegalArgumentException(taskId + ": work-groups of " + items + " work-items (" + grid + ") exceed "
                    + device.id() + "'s maximum of " + device.maxWorkGroupSize());
        }
        grids.put(taskId, grid);
        return this;
    }

    /**
     * A kernel that shuffles needs whole sub-groups of 32, and at most KernelSpec.MAX_SHUFFLE_GROUP
     * work-items (checked at launch: a model's step sets hundreds of grids).
     */
    private static void checkShuffleGroup(String taskId, KernelSpec spec, Grid grid) {
        if (!spec.usesShuffle()) {
            return;
        }
        long items = grid.workGroupSize();
        if (items % 32 != 0 || items > KernelSpec.MAX_SHUFFLE_GROUP) {
            throw new IllegalArgumentException(taskId + " runs " + KernelArgs.kernelName(spec) + ", which shuffles: its"
                    + " work-groups need a multiple of 32 work-items, at most " + KernelSpec.MAX_SHUFFLE_GROUP + ", not "
                    + items + " (" + grid + ")");
        }
    }

    private void checkTaskId(String taskId) {
        if (!taskIds.contains(taskId)) {
            throw new IllegalArgumentException("unknown task id '" + taskId + "' (known: "
                    + String.join(", ", graph.taskIds()) + ")");
        }
    }

    /** Grids by task id from configuration; ids of tasks not in this graph are ignored. */
    public ExecutionPlan withConfiguredGrids(Map<String, Grid> configured) {
        this.configuredGrids = Map.copyOf(configured);
        return this;
    }

    /** With profiling, each execution waits for every task and reports its device time. */
    public ExecutionPlan withProfiling(boolean on) {
        this.profiling = on;
        return this;
    }

    /**
     * With step timing, each execution reports the device time of its launches issued back to
     * back ({@link Device#timeSpans}): the whole step ({@link StepTiming#STEP}), or each task's
     * part of it as well ({@link StepTiming#TASKS}). It is exclusive with profiling, whose waits
     * after each task would be counted.
     */
    public ExecutionPlan withStepTiming(StepTiming timing) {
        this.stepTiming = timing;
        return this;
    }

    /**
     * Leaves task {@code taskId} out of the next executions while {@code skip} holds: for a
     * task with nothing to do this time (no rows appended), whose launch would cost time only.
     */
    public ExecutionPlan withSkipped(String taskId, boolean skip) {
        checkTaskId(taskId);
        if (skip) {
            skipped.add(taskId);
        } else {
            skipped.remove(taskId);
        }
        return this;
    }

    /** Copies in, runs every task in order, copies out, and waits for the device. */
    public ExecutionResult execute() {
        checkOpen();
        long start = System.nanoTime();
        for (ImmutableTaskGraph.Transfer t : graph.toDevice()) {
            if (t.mode() == DataTransferMode.EVERY_EXECUTION || executions == 0) {
                buffers.get(t.array()).write(t.array());
            }
        }
        if (profiling && stepTiming != StepTiming.OFF) {
            throw new IllegalStateException(graph.name() + ": profiling and step timing together would time the waits");
        }
        Map<String, Long> times = new LinkedHashMap<>();
        List<Integer> running = IntStream.range(0, graph.tasks().size())
                .filter(i -> !skipped.contains(graph.tasks().get(i).id())).boxed().toList();
        long stepNanos = -1;
        if (stepTiming == StepTiming.STEP) {
            stepNanos = device.timeSpans(List.of(() -> running.forEach(i -> launch(i, false))))[0];
        } else if (stepTiming == StepTiming.TASKS) {
            long[] spans = device.timeSpans(running.stream().<Runnable>map(i -> () -> launch(i, false)).toList());
            stepNanos = 0;
            for (int i = 0; i < spans.length; i++) {
                times.put(graph.tasks().get(running.get(i)).id(), spans[i]);
                stepNanos += spans[i];
            }
        } else {
            for (int i : running) {
                long nanos = launch(i, profiling);
                if (profiling) {
                    times.put(graph.tasks().get(i).id(), nanos);
                }
            }
        }
        for (ImmutableTaskGraph.Transfer t : graph.toHost()) {
            if (t.mode() == DataTransferMode.EVERY_EXECUTION) {
                buffers.get(t.array()).read(t.array());
            }
        }
        device.synchronize();
        executions++;
        return new ExecutionResult(graph.name(), device, System.nanoTime() - start, Map.copyOf(times), stepNanos);
    }

    /** Launches task {@code i}; with {@code timed}, waits and returns its device time. */
    private long launch(int i, boolean timed) {
        ImmutableTaskGraph.Task task = graph.tasks().get(i);
        Grid grid = gridOf(task);
        try {
            return device.launch(kernels.get(i), grid, launchArgs(task), timed);
        } catch (BackendException e) {
            throw new BackendException(task.id() + " on " + device.id() + " over grid " + grid + ": " + e.getMessage(), e);
        }
    }

    /** Copies {@code count} elements of {@code array} from {@code from} to the same place on the device. */
    public void write(Object array, int from, int count) {
        bufferOf(array).write(array, from, from, count);
    }

    /** Copies {@code count} elements from {@code from} on the device into the same place of {@code array}. */
    public void read(Object array, int from, int count) {
        bufferOf(array).read(array, from, from, count);
    }

    public Device device() {
        return device;
    }

    /** Frees the device buffers. The device itself stays open: it belongs to the caller. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (DeviceBuffer b : buffers.values()) {
            b.close();
        }
        buffers.clear();
    }

    private DeviceBuffer bufferOf(Object array) {
        checkOpen();
        DeviceBuffer b = array == null ? null : buffers.get(array);
        if (b == null) {
            throw new IllegalArgumentException("graph " + graph.name() + " uses no such array: "
                    + (array == null ? "null" : KernelArgs.describe(array)));
        }
        return b;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("execution plan of " + graph.name() + " is closed");
        }
    }

    private Object[] launchArgs(ImmutableTaskGraph.Task task) {
        List<KernelSpec.Param> params = task.spec().params();
        Object[] args = new Object[params.size()];
        for (int i = 0; i < args.length; i++) {
            Object arg = task.args().get(i);
            args[i] = arg.getClass().isArray() ? buffers.get(arg) : KernelArgs.launchValue(params.get(i), arg);
        }
        return args;
    }

    private Grid gridOf(ImmutableTaskGraph.Task task) {
        Grid grid = grids.get(task.id());
        if (grid == null) {
            grid = configuredGrids.get(task.id());
        }
        if (grid != null) {
            checkShuffleGroup(task.id(), task.spec(), grid);
            return grid;
        }
        KernelSpec spec = task.spec();
        String howToSet = ": set one with plan.withGrid(\"" + task.id() + "\", Grid.of(global, local)) or in the configured grids";
        if (spec.style() == KernelSpec.Style.CONTEXT) {
            throw new IllegalStateException(task.id() + " runs " + KernelArgs.kernelName(spec)
                    + ", a KernelContext kernel, and has no grid" + howToSet);
        }
        List<String> bounds = spec.parallelBounds();
        if (bounds == null || bounds.isEmpty() || bounds.size() > 2 || bounds.stream().anyMatch(b -> b == null)) {
            throw new IllegalStateException(task.id() + " runs " + KernelArgs.kernelName(spec)
                    + ", whose parallel loop bounds " + bounds + " give no default grid" + howToSet);
        }
        return defaultGrid(task, bounds);
    }

    /** Covers each loop's bound with work-groups of 256 (16x16 in 2-D), up to a cap. */
    private Grid defaultGrid(ImmutableTaskGraph.Task task, List<String> bounds) {
        int local1d = Math.min(DEFAULT_LOCAL, device.maxWorkGroupSize());
        int dims = bounds.size();
        int local = dims == 1 ? local1d : (int) Math.sqrt(local1d);
        long maxGroups = dims == 1 ? MAX_DEFAULT_GROUPS : (long) Math.sqrt(MAX_DEFAULT_GROUPS);
        long[] global = new long[dims];
        int[] locals = new int[dims];
        for (int d = 0; d < dims; d++) {
            long bound = boundValue(task, bounds.get(d));
            long groups = Math.clamp((bound + local - 1) / local, 1, maxGroups);
            global[d] = groups * local;
            locals[d] = local;
        }
        return new Grid(global, locals);
    }

    /** A loop bound as written: an integer literal, a scalar parameter, or {@code a.length}. */
    private long boundValue(ImmutableTaskGraph.Task task, String bound) {
        if (bound.matches("-?\\d+")) {
            return Long.parseLong(bound);
        }
        boolean length = bound.endsWith(".length");
        String name = length ? bound.substring(0, bound.length() - ".length".length()) : bound;
        List<KernelSpec.Param> params = task.spec().params();
        for (int i = 0; i < params.size(); i++) {
            KernelSpec.Param p = params.get(i);
            if (p.name().equals(name) && p.type().isArray() == length) {
                Object arg = task.args().get(i);
                return length ? ElementType.length(arg)
                        : ((Number) KernelArgs.launchValue(p, arg)).longValue();
            }
        }
        throw new IllegalStateException(task.id() + ": the parallel loop bound '" + bound + "' of "
                + KernelArgs.kernelName(task.spec()) + " names no parameter");
    }
}
