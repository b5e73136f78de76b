package sparse.engine.graph;

import java.util.List;
import sparse.tasks.lang.KernelSpec;

/** A snapshot of a {@link TaskGraph}, ready to run through any number of {@link ExecutionPlan}s. */
public final class ImmutableTaskGraph {
    /** One kernel launch: its id ({@code graph.task}), kernel, and arguments as checked by the graph. */
    record Task(String id, KernelSpec spec, List<Object> args) {
    }

    /** One array copied between host and device. */
    record Transfer(Object array, DataTransferMode mode) {
    }

    private final String name;
    private final List<Task> tasks;
    private final List<Transfer> toDevice;
    private final List<Transfer> toHost;

    ImmutableTaskGraph(String name, List<Task> tasks, List<Transfer> toDevice, List<Transfer> toHost) {
        this.name = name;
        this.tasks = tasks.stream().map(t -> new Task(t.id(), t.spec(), List.copyOf(t.args()))).toList();
        this.toDevice = List.copyOf(toDevice);
        this.toHost = List.copyOf(toHost);
    }

    public String name() {
        return name;
    }

    /** The task ids, in order: {@code graph.task}. */
    public List<String> taskIds() {
        return tasks.stream().map(Task::id).toList();
    }

    List<Task> tasks() {
        return tasks;
    }

    List<Transfer> toDevice() {
        return toDevice;
    }

    List<Transfer> toHost() {
        return toHost;
    }
}
