package sparse.engine.graph;

import java.util.ArrayList;
import java.util.List;
import sparse.engine.backend.ElementType;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelSpec;

/**
 * Kernels and the arrays they share, as in TornadoVM: tasks in order over Java arrays, with
 * the copies between host and device stated explicitly. Each distinct array (by identity) is
 * one device buffer shared by every task that uses it; an array named in no transfer lives
 * on the device only. Copies to the device run before the first task, copies to the host
 * after the last, whatever the order they are declared in.
 *
 * <pre>
 * TaskGraph g = new TaskGraph("decode")
 *     .transferToDevice(DataTransferMode.FIRST_EXECUTION, k, v)
 *     .transferToDevice(DataTransferMode.EVERY_EXECUTION, q)
 *     .task("scores", Attention::score, q, k, scores, length)
 *     .task("attend", Attention::attend, scores, v, out, 128)   // attend(KernelContext, ...)
 *     .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
 * </pre>
 *
 * A kernel is a method reference to a static {@code @Kernel} method; a {@code KernelContext}
 * kernel is given the arguments after its context. A task's id is {@code "<graph>.<task>"},
 * e.g. {@code decode.scores}. Arguments are checked
 * against the kernel's parameters when the task is added. Build it, {@link #snapshot()} it,
 * and run the snapshot through an {@link ExecutionPlan}.
 */
public final class TaskGraph {
    private final String name;
    private final List<ImmutableTaskGraph.Task> tasks = new ArrayList<>();
    private final List<ImmutableTaskGraph.Transfer> toDevice = new ArrayList<>();
    private final List<ImmutableTaskGraph.Transfer> toHost = new ArrayList<>();

    public TaskGraph(String name) {
        checkName("graph name", name);
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * Copies these arrays to the device before the tasks, on the first or on every execution.
     * An array named again with the same mode is copied once: parts of one graph (the layers
     * of a model) may share an input.
     */
    public TaskGraph transferToDevice(DataTransferMode mode, Object... arrays) {
        if (mode == DataTransferMode.UNDER_DEMAND) {
            throw new IllegalArgumentException(name + ": transferToDevice takes FIRST_EXECUTION or EVERY_EXECUTION;"
                    + " to copy when you choose, call ExecutionPlan.write");
        }
        addTransfers("transferToDevice", toDevice, mode, arrays);
        return this;
    }

    /** Copies these arrays back after the tasks on every execution, or only through {@link ExecutionPlan#read}. */
    public TaskGraph transferToHost(DataTransferMode mode, Object... arrays) {
        if (mode == DataTransferMode.FIRST_EXECUTION) {
            throw new IllegalArgumentException(name + ": transferToHost takes EVERY_EXECUTION or UNDER_DEMAND");
        }
        addTransfers("transferToHost", toHost, mode, arrays);
        return this;
    }

    /** Adds a task running a translated kernel given as its {@link KernelSpec}. */
    public TaskGraph task(String name, KernelSpec kernel, Object... args) {
        if (kernel == null) {
            throw new IllegalArgumentException(id(name) + ": the kernel is null");
        }
        return add(name, kernel, args);
    }

    // One overload per kernel arity. A parallel-loop kernel takes an argument per parameter;
    // a KernelContext kernel takes an argument per parameter after the context.

    public <A> TaskGraph task(String name, Tasks.Task1<A> kernel, Object a) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a});
    }

    public <A, B> TaskGraph task(String name, Tasks.Task2<A, B> kernel, Object a, Object b) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b});
    }

    public <A, B, C> TaskGraph task(String name, Tasks.Task3<A, B, C> kernel, Object a, Object b, Object c) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c});
    }

    public <A, B, C, D> TaskGraph task(String name, Tasks.Task4<A, B, C, D> kernel, Object a, Object b, Object c, Object d) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c, d});
    }

    public <A, B, C, D, E> TaskGraph task(String name, Tasks.Task5<A, B, C, D, E> kernel, Object a, Object b, Object c, Object d, Object e) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c, d, e});
    }

    public <A, B, C, D, E, F> TaskGraph task(String name, Tasks.Task6<A, B, C, D, E, F> kernel, Object a, Object b, Object c, Object d, Object e, Object f) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c, d, e, f});
    }

    public <A, B, C, D, E, F, G> TaskGraph task(String name, Tasks.Task7<A, B, C, D, E, F, G> kernel, Object a, Object b, Object c, Object d, Object e, Object f, Object g) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c, d, e, f, g});
    }

    public <A, B, C, D, E, F, G, H> TaskGraph task(String name, Tasks.Task8<A, B, C, D, E, F, G, H> kernel, Object a, Object b, Object c, Object d, Object e, Object f, Object g, Object h) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c, d, e, f, g, h});
    }

    public <A, B, C, D, E, F, G, H, I> TaskGraph task(String name, Tasks.Task9<A, B, C, D, E, F, G, H, I> kernel, Object a, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c, d, e, f, g, h, i});
    }

    public <A, B, C, D, E, F, G, H, I, J> TaskGraph task(String name, Tasks.Task10<A, B, C, D, E, F, G, H, I, J> kernel, Object a, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c, d, e, f, g, h, i, j});
    }

    public <A, B, C, D, E, F, G, H, I, J, K> TaskGraph task(String name, Tasks.Task11<A, B, C, D, E, F, G, H, I, J, K> kernel, Object a, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j, Object k) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c, d, e, f, g, h, i, j, k});
    }

    public <A, B, C, D, E, F, G, H, I, J, K, L> TaskGraph task(String name, Tasks.Task12<A, B, C, D, E, F, G, H, I, J, K, L> kernel, Object a, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j, Object k, Object l) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c, d, e, f, g, h, i, j, k, l});
    }

    public <A, B, C, D, E, F, G, H, I, J, K, L, M> TaskGraph task(String name, Tasks.Task13<A, B, C, D, E, F, G, H, I, J, K, L, M> kernel, Object a, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j, Object k, Object l, Object m) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c, d, e, f, g, h, i, j, k, l, m});
    }

    public <A, B, C, D, E, F, G, H, I, J, K, L, M, N> TaskGraph task(String name, Tasks.Task14<A, B, C, D, E, F, G, H, I, J, K, L, M, N> kernel, Object a, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j, Object k, Object l, Object m, Object n) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c, d, e, f, g, h, i, j, k, l, m, n});
    }

    public <A, B, C, D, E, F, G, H, I, J, K, L, M, N, O> TaskGraph task(String name, Tasks.Task15<A, B, C, D, E, F, G, H, I, J, K, L, M, N, O> kernel, Object a, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j, Object k, Object l, Object m, Object n, Object o) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c, d, e, f, g, h, i, j, k, l, m, n, o});
    }

    public <A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P> TaskGraph task(String name, Tasks.Task16<A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P> kernel, Object a, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j, Object k, Object l, Object m, Object n, Object o, Object p) {
        return add(name, KernelReference.resolve(id(name), kernel, false), new Object[]{a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p});
    }

    public <B> TaskGraph task(String name, Tasks.Task2<KernelContext, B> kernel, Object b) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b});
    }

    public <B, C> TaskGraph task(String name, Tasks.Task3<KernelContext, B, C> kernel, Object b, Object c) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c});
    }

    public <B, C, D> TaskGraph task(String name, Tasks.Task4<KernelContext, B, C, D> kernel, Object b, Object c, Object d) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c, d});
    }

    public <B, C, D, E> TaskGraph task(String name, Tasks.Task5<KernelContext, B, C, D, E> kernel, Object b, Object c, Object d, Object e) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c, d, e});
    }

    public <B, C, D, E, F> TaskGraph task(String name, Tasks.Task6<KernelContext, B, C, D, E, F> kernel, Object b, Object c, Object d, Object e, Object f) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c, d, e, f});
    }

    public <B, C, D, E, F, G> TaskGraph task(String name, Tasks.Task7<KernelContext, B, C, D, E, F, G> kernel, Object b, Object c, Object d, Object e, Object f, Object g) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c, d, e, f, g});
    }

    public <B, C, D, E, F, G, H> TaskGraph task(String name, Tasks.Task8<KernelContext, B, C, D, E, F, G, H> kernel, Object b, Object c, Object d, Object e, Object f, Object g, Object h) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c, d, e, f, g, h});
    }

    public <B, C, D, E, F, G, H, I> TaskGraph task(String name, Tasks.Task9<KernelContext, B, C, D, E, F, G, H, I> kernel, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c, d, e, f, g, h, i});
    }

    public <B, C, D, E, F, G, H, I, J> TaskGraph task(String name, Tasks.Task10<KernelContext, B, C, D, E, F, G, H, I, J> kernel, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c, d, e, f, g, h, i, j});
    }

    public <B, C, D, E, F, G, H, I, J, K> TaskGraph task(String name, Tasks.Task11<KernelContext, B, C, D, E, F, G, H, I, J, K> kernel, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j, Object k) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c, d, e, f, g, h, i, j, k});
    }

    public <B, C, D, E, F, G, H, I, J, K, L> TaskGraph task(String name, Tasks.Task12<KernelContext, B, C, D, E, F, G, H, I, J, K, L> kernel, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j, Object k, Object l) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c, d, e, f, g, h, i, j, k, l});
    }

    public <B, C, D, E, F, G, H, I, J, K, L, M> TaskGraph task(String name, Tasks.Task13<KernelContext, B, C, D, E, F, G, H, I, J, K, L, M> kernel, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j, Object k, Object l, Object m) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c, d, e, f, g, h, i, j, k, l, m});
    }

    public <B, C, D, E, F, G, H, I, J, K, L, M, N> TaskGraph task(String name, Tasks.Task14<KernelContext, B, C, D, E, F, G, H, I, J, K, L, M, N> kernel, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j, Object k, Object l, Object m, Object n) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c, d, e, f, g, h, i, j, k, l, m, n});
    }

    public <B, C, D, E, F, G, H, I, J, K, L, M, N, O> TaskGraph task(String name, Tasks.Task15<KernelContext, B, C, D, E, F, G, H, I, J, K, L, M, N, O> kernel, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j, Object k, Object l, Object m, Object n, Object o) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c, d, e, f, g, h, i, j, k, l, m, n, o});
    }

    public <B, C, D, E, F, G, H, I, J, K, L, M, N, O, P> TaskGraph task(String name, Tasks.Task16<KernelContext, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P> kernel, Object b, Object c, Object d, Object e, Object f, Object g, Object h, Object i, Object j, Object k, Object l, Object m, Object n, Object o, Object p) {
        return add(name, KernelReference.resolve(id(name), kernel, true), new Object[]{b, c, d, e, f, g, h, i, j, k, l, m, n, o, p});
    }

    /** An immutable copy to run; later changes to this graph do not affect it. */
    public ImmutableTaskGraph snapshot() {
        if (tasks.isEmpty()) {
            throw new IllegalStateException("task graph " + name + " has no tasks");
        }
        for (var transfers : List.of(toDevice, toHost)) {
            for (ImmutableTaskGraph.Transfer t : transfers) {
                boolean used = tasks.stream().anyMatch(task -> task.args().stream().anyMatch(a -> a == t.array()));
                if (!used) {
                    throw new IllegalStateException(name + ": a transferred " + KernelArgs.describe(t.array())
                            + " is used by no task");
                }
            }
        }
        return new ImmutableTaskGraph(name, tasks, toDevice, toHost);
    }

    private TaskGraph add(String taskName, KernelSpec spec, Object[] args) {
        checkName("task name", taskName);
        String id = id(taskName);
        if (tasks.stream().anyMatch(t -> t.id().equals(id))) {
            throw new IllegalArgumentException(id + " is defined twice");
        }
        List<KernelSpec.Param> params = spec.params();
        if (args.length != params.size()) {
            throw new IllegalArgumentException(id + ": " + KernelArgs.kernelName(spec) + " takes " + params.size()
                    + " arguments " + params.stream().map(KernelSpec.Param::name).toList() + ", given " + args.length);
        }
        List<Object> kept = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            kept.add(KernelArgs.check(id, params.get(i), args[i]));
        }
        tasks.add(new ImmutableTaskGraph.Task(id, spec, kept));
        return this;
    }

    private void addTransfers(String what, List<ImmutableTaskGraph.Transfer> list, DataTransferMode mode, Object[] arrays) {
        if (mode == null) {
            throw new IllegalArgumentException(name + ": " + what + " needs a DataTransferMode");
        }
        for (Object array : arrays) {
            if (array == null) {
                throw new IllegalArgumentException(name + ": " + what + " of null");
            }
            ElementType.of(array);  // a supported primitive array, or an error naming its type
            boolean named = false;
            for (ImmutableTaskGraph.Transfer t : list) {
                if (t.array() == array && t.mode() != mode) {
                    throw new IllegalArgumentException(name + ": " + what + " names the same "
                            + KernelArgs.describe(array) + " twice (" + t.mode() + ", " + mode + ")");
                }
                named |= t.array() == array;
            }
            if (!named) {
                list.add(new ImmutableTaskGraph.Transfer(array, mode));
            }
        }
    }

    private String id(String taskName) {
        return name + "." + taskName;
    }

    private static void checkName(String what, String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("a " + what + " is a non-empty string without dots, not '" + name + "'");
        }
    }
}
