package sparse.engine.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sparse.engine.backend.BackendException;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.backend.cuda.CudaDevice.CudaKernel;
import sparse.engine.backend.cuda.CudaDevice.LaunchDims;

/**
 * A step's kernels replayed as CUDA graphs. Each subset of the kernels that runs (a plan may
 * skip a task) is recorded once as a chain of kernel nodes and instantiated; every later step
 * with that subset updates only the nodes whose grid or arguments changed, then issues the
 * whole chain with one {@code cuGraphLaunch}. A decode step is a few short kernels: launched
 * one by one, the device waits for the host between them (about 6 µs a launch on an H100).
 */
final class CudaStepGraph implements Device.StepLauncher {
    private static final long GRID_X = CudaDriver.KERNEL_NODE_PARAMS.byteOffset(PathElement.groupElement("gridDimX"));
    private static final long KERNEL_PARAMS = CudaDriver.KERNEL_NODE_PARAMS.byteOffset(PathElement.groupElement("kernelParams"));

    private final CudaDevice device;
    private final CudaContext context;
    private final List<CudaKernel> kernels;
    private final List<String> names;
    private final Arena arena = Arena.ofShared();
    private final List<Recorded> recorded = new ArrayList<>();
    private boolean closed;

    /** One kernel node: its parameter struct, and the grid and argument values it was last given. */
    private record Node(CudaKernel kernel, MemorySegment handle, MemorySegment params, MemorySegment applied) {
    }

    /** An instantiated graph for the kernels {@code tasks}, in order. */
    private record Recorded(int[] tasks, MemorySegment graph, MemorySegment exec, Node[] nodes) {
    }

    CudaStepGraph(CudaDevice device, CudaContext context, List<CudaKernel> kernels, List<String> names) {
        this.device = device;
        this.context = context;
        this.kernels = kernels;
        this.names = names;
    }

    @Override
    public void launch(int[] tasks, Grid[] grids, Object[][] args) {
        if (closed) {
            throw new IllegalStateException("the step graph on " + context.id + " is closed");
        }
        context.makeCurrent();
        Recorded r = find(tasks);
        if (r == null) {
            r = record(tasks, grids, args);
        } else {
            for (int i = 0; i < tasks.length; i++) {
                update(r, i, grids[i], args[i]);
            }
        }
        try {
            context.driver.graphLaunch(r.exec, context.stream);
        } catch (BackendException e) {
            throw new BackendException("the graph of " + tasks.length + " tasks from " + names.get(tasks[0]) + " on "
                    + context.id + ": " + e.getMessage(), e);
        }
    }

    private Recorded find(int[] tasks) {
        for (Recorded r : recorded) {
            if (Arrays.equals(r.tasks, tasks)) {
                return r;
            }
        }
        return null;
    }

    private Recorded record(int[] tasks, Grid[] grids, Object[][] args) {
        MemorySegment graph = context.driver.graphCreate();
        try {
            Node[] nodes = new Node[tasks.length];
            MemorySegment previous = MemorySegment.NULL;
            for (int i = 0; i < tasks.length; i++) {
                CudaKernel kernel = kernels.get(tasks[i]);
                MemorySegment params = arena.allocate(CudaDriver.KERNEL_NODE_PARAMS);
                params.set(ADDRESS, 0, kernel.function());
                params.set(ADDRESS, KERNEL_PARAMS, kernel.args().pointers());
                MemorySegment applied = arena.allocate(kernel.args().slots().byteSize(), 8);
                MemorySegment handle;
                synchronized (kernel) {
                    LaunchDims dims = device.dims(kernel, grids[i]);
                    device.fillArguments(kernel, args[i]);
                    setDims(params, dims);
                    try {
                        handle = context.driver.graphAddKernelNode(kernel.what(), graph, previous, params);
                    } catch (BackendException e) {
                        throw BackendException.inTask(names.get(tasks[i]), context.id, grids[i], e);
                    }
                    applied.copyFrom(kernel.args().slots());
                }
                nodes[i] = new Node(kernel, handle, params, applied);
                previous = handle;
            }
            Recorded r = new Recorded(tasks.clone(), graph, context.driver.graphInstantiate(graph), nodes);
            recorded.add(r);
            return r;
        } catch (RuntimeException e) {
            context.driver.graphDestroy(graph);
            throw e;
        }
    }

    /** Gives the node this step's grid and arguments where they differ from what it holds. */
    private void update(Recorded r, int i, Grid grid, Object[] args) {
        Node node = r.nodes[i];
        CudaKernel kernel = node.kernel;
        LaunchDims dims = device.dims(kernel, grid);
        synchronized (kernel) {
            device.fillArguments(kernel, args);
            MemorySegment slots = kernel.args().slots();
            if (slots.mismatch(node.applied) == -1 && holds(node.params, dims)) {
                return;
            }
            setDims(node.params, dims);
            try {
                context.driver.graphExecKernelNodeSetParams(kernel.what(), r.exec, node.handle, node.params);
            } catch (BackendException e) {
                throw BackendException.inTask(names.get(r.tasks[i]), context.id, grid, e);
            }
            node.applied.copyFrom(slots);
        }
    }

    /** Grid x, y, z then block x, y, z, as the struct lays them out. */
    private static int[] values(LaunchDims dims) {
        return new int[] {dims.groupsX(), dims.groupsY(), 1, dims.blockX(), dims.blockY(), 1};
    }

    private static void setDims(MemorySegment params, LaunchDims dims) {
        int[] values = values(dims);
        for (int i = 0; i < values.length; i++) {
            params.set(JAVA_INT, GRID_X + 4L * i, values[i]);
        }
    }

    private static boolean holds(MemorySegment params, LaunchDims dims) {
        int[] values = values(dims);
        for (int i = 0; i < values.length; i++) {
            if (params.get(JAVA_INT, GRID_X + 4L * i) != values[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        context.makeCurrent();
        for (Recorded r : recorded) {
            context.driver.graphExecDestroy(r.exec);
            context.driver.graphDestroy(r.graph);
        }
        recorded.clear();
        arena.close();
    }
}
