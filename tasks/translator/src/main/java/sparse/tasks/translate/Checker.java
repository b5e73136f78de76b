package sparse.tasks.translate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sparse.tasks.lang.KernelSpec;

/**
 * Stage 2: checks the rules that span statements and functions (where {@code @Parallel} loops,
 * local arrays and asynchronous copies may stand, no recursion), orders the helpers before their
 * callers, and fills in {@code usesBarrier}, {@code usesShuffle}, {@code parallelBounds} and
 * {@code arraySpaces}.
 */
final class Checker {
    private final Reporter reporter;

    Checker(Reporter reporter) {
        this.reporter = reporter;
    }

    Program check(Program unchecked) {
        Map<String, Program.Function> byName = new LinkedHashMap<>();
        Map<String, Facts> facts = new LinkedHashMap<>();
        for (Program.Function f : unchecked.functions()) {
            byName.put(f.javaName(), f);
            facts.put(f.javaName(), new FunctionChecker(f).run());
        }
        // helpers in post-order from the kernels: every callee before its callers
        List<String> order = new ArrayList<>();
        Set<String> onStack = new HashSet<>();
        for (Program.Function f : unchecked.functions()) {
            if (f.isKernel()) {
                visit(f.javaName(), facts, order, onStack);
            }
        }
        Map<String, Boolean> barrier = new LinkedHashMap<>();
        Map<String, Boolean> shuffle = new LinkedHashMap<>();
        for (String name : order) {
            Facts fs = facts.get(name);
            boolean usesBarrier = fs.barrier;
            boolean usesShuffle = fs.shuffle;
            for (Expr.Call c : fs.calls) {
                usesBarrier |= barrier.getOrDefault(c.function(), false);
                usesShuffle |= shuffle.getOrDefault(c.function(), false);
            }
            barrier.put(name, usesBarrier);
            shuffle.put(name, usesShuffle);
        }
        Map<String, Set<List<Ty.Space>>> spaces = arraySpaces(order, byName, facts);
        List<Program.Function> helpers = new ArrayList<>();
        List<Program.Function> kernels = new ArrayList<>();
        for (String name : order) {
            Program.Function f = byName.get(name);
            Program.Function done = new Program.Function(f.javaName(), f.style(), f.returnType(), f.params(),
                    f.body(), barrier.get(name), shuffle.get(name), facts.get(name).bounds,
                    List.copyOf(spaces.get(name)), f.pos());
            (f.isKernel() ? kernels : helpers).add(done);
        }
        // kernels in source order
        kernels.sort((a, b) -> Integer.compare(a.pos().line(), b.pos().line()));
        List<Program.Function> all = new ArrayList<>(helpers);
        all.addAll(kernels);
        return new Program(unchecked.javaClass(), unchecked.canonicalName(), unchecked.simpleName(),
                unchecked.javaFile(), all);
    }

    /**
     * The address spaces each function's array parameters are called with: callers before
     * callees (the reverse of {@code order}), each combination of a caller giving its callees
     * theirs. A kernel's arrays are global; a local array, or a helper's parameter that holds
     * one, is local.
     */
    private static Map<String, Set<List<Ty.Space>>> arraySpaces(List<String> order, Map<String, Program.Function> byName,
                                                              Map<String, Facts> facts) {
        Map<String, Set<List<Ty.Space>>> spaces = new LinkedHashMap<>();
        for (String name : order.reversed()) {
            Program.Function f = byName.get(name);
            if (f.isKernel()) {
                List<Ty.Space> global = new ArrayList<>();
                for (Program.Param p : f.params()) {
                    if (p.variable().type() instanceof Ty.Array) {
                        global.add(Ty.Space.GLOBAL);
                    }
                }
                spaces.put(name, new LinkedHashSet<>(List.of(List.copyOf(global))));
            }
            for (List<Ty.Space> combination : spaces.get(name)) {
                Map<String, Ty.Space> spaceOf = spaceOfParams(f, combination);
                for (Expr.Call c : facts.get(name).calls) {
                    List<Ty.Space> passed = new ArrayList<>();
                    for (Expr a : c.args()) {
                        if (a instanceof Expr.Local l && l.type() instanceof Ty.Array t) {
                            passed.add(t.space() == Ty.Space.LOCAL ? Ty.Space.LOCAL
                                    : spaceOf.getOrDefault(l.name(), Ty.Space.GLOBAL));
                        }
                    }
                    spaces.computeIfAbsent(c.function(), k -> new LinkedHashSet<>()).add(List.copyOf(passed));
                }
            }
        }
        return spaces;
    }

    /** The address space of each array parameter of {@code f}, by C name, in one of its combinations. */
    static Map<String, Ty.Space> spaceOfParams(Program.Function f, List<Ty.Space> combination) {
        Map<String, Ty.Space> spaceOf = new LinkedHashMap<>();
        int i = 0;
        for (Program.Param p : f.params()) {
            if (p.variable().type() instanceof Ty.Array) {
                spaceOf.put(p.variable().name(), combination.get(i++));
            }
        }
        return spaceOf;
    }

    private void visit(String name, Map<String, Facts> facts, List<String> order, Set<String> onStack) {
        if (order.contains(name) || !facts.containsKey(name)) {
            return;
        }
        onStack.add(name);
        for (Expr.Call c : facts.get(name).calls) {
            if (onStack.contains(c.function())) {
                reporter.error(c.pos(), "recursion is not supported in kernels: this call of " + c.function()
                        + " from " + name + " closes a cycle");
            } else {
                visit(c.function(), facts, order, onStack);
            }
        }
        onStack.remove(name);
        order.add(name);
    }

    /**
     * What one function's body tells: the helpers it calls, whether it has a barrier or a
     * shuffle (which is one on OpenCL and the JVM), its parallel bounds.
     */
    private static final class Facts {
        final List<Expr.Call> calls = new ArrayList<>();
        boolean barrier;
        boolean shuffle;
        List<String> bounds = List.of();
    }

    /** Walks one function's body with the context each rule needs. */
    private final class FunctionChecker {
        private final Program.Function function;
        private final Facts facts = new Facts();
        private final Set<String> parallelIndices = new HashSet<>();
        private int parallelDepth;
        private boolean breakLeavesParallel;
        private final List<Stmt.ParallelFor> outerLoops = new ArrayList<>();
        private Stmt.ParallelFor innerLoop;

        FunctionChecker(Program.Function function) {
            this.function = function;
        }

        Facts run() {
            for (Stmt s : function.body().body()) {
                statement(s, true, false);
            }
            if (function.style() == KernelSpec.Style.PARALLEL) {
                if (outerLoops.isEmpty()) {
                    reporter.error(function.pos(), "a @Kernel method needs a KernelContext first parameter"
                            + " or a @Parallel loop");
                } else {
                    Stmt.ParallelFor outer = outerLoops.get(0);
                    List<String> bounds = new ArrayList<>();
                    bounds.add(outer.bound());
                    if (innerLoop != null) {
                        bounds.add(innerLoop.bound());
                    }
                    facts.bounds = java.util.Collections.unmodifiableList(bounds);
                }
            }
            return facts;
        }

        /**
         * @param top             a statement of the function body itself
         * @param inParallelBody  a statement of a @Parallel loop's body itself
         */
        private void statement(Stmt s, boolean top, boolean inParallelBody) {
            switch (s) {
                case Stmt.Declare d -> {
                    if (d.init() != null) {
                        expr(d.init());
                    }
                }
                case Stmt.LocalArray a -> {
                    if (!function.isKernel() || !top) {
                        reporter.error(a.pos(), "local arrays must be allocated in a statement of the @Kernel"
                                + " method's body itself (they live for the whole kernel)");
                    }
                }
                case Stmt.Eval e -> expr(e.expr());
                case Stmt.Block b -> b.body().forEach(x -> statement(x, false, false));
                case Stmt.If i -> {
                    expr(i.condition());
                    statement(i.then(), false, false);
                    if (i.otherwise() != null) {
                        statement(i.otherwise(), false, false);
                    }
                }
                case Stmt.For f -> {
                    f.init().forEach(x -> statement(x, false, false));
                    if (f.condition() != null) {
                        expr(f.condition());
                    }
                    f.update().forEach(this::expr);
                    loopBody(f.body());
                }
                case Stmt.While w -> {
                    expr(w.condition());
                    loopBody(w.body());
                }
                case Stmt.DoWhile d -> {
                    loopBody(d.body());
                    expr(d.condition());
                }
                case Stmt.Switch sw -> {
                    expr(sw.selector());
                    boolean saved = breakLeavesParallel;
                    breakLeavesParallel = false;
                    for (Stmt.Case c : sw.cases()) {
                        c.body().forEach(x -> statement(x, false, false));
                    }
                    breakLeavesParallel = saved;
                }
                case Stmt.ParallelFor p -> parallelFor(p, top, inParallelBody);
                case Stmt.Break b -> {
                    if (breakLeavesParallel) {
                        reporter.error(b.pos(), "break out of a @Parallel loop is not supported");
                    }
                }
                case Stmt.Continue c -> { }
                case Stmt.Return r -> {
                    if (parallelDepth > 0) {
                        reporter.error(r.pos(), "return inside a @Parallel loop is not supported; use continue");
                    }
                    if (r.value() != null) {
                        expr(r.value());
                    }
                }
                case Stmt.Barrier b -> facts.barrier = true;
                case Stmt.CopyToLocalAsync c -> {
                    inKernel(c, "copyToLocalAsync");
                    if (!(c.to().type() instanceof Ty.Array t && t.space() == Ty.Space.LOCAL)) {
                        reporter.error(c.to().pos(), "copyToLocalAsync copies to a local array of the kernel"
                                + " (int[] s = ctx.allocateIntLocalArray(256)), not to a parameter");
                    }
                    if (!(c.from().type() instanceof Ty.Array t && t.space() == Ty.Space.GLOBAL)) {
                        reporter.error(c.from().pos(), "copyToLocalAsync copies from an int[] parameter of the"
                                + " kernel (global memory), not from a local array");
                    }
                    expr(c.toIndex());
                    expr(c.fromIndex());
                }
                case Stmt.CommitCopies c -> inKernel(c, "commitCopies");
                case Stmt.AwaitCopies a -> inKernel(a, "awaitCopies");
            }
        }

        /**
         * Asynchronous copies go to the kernel's own local arrays: a helper's array parameter may
         * be global in another call, and its batches would be hidden from the kernel's waits.
         */
        private void inKernel(Stmt s, String method) {
            if (!function.isKernel()) {
                reporter.error(s.pos(), method + " must be called in the @Kernel method itself, not in a helper"
                        + " (the copies go to the kernel's own local arrays)");
            }
        }

        private void loopBody(Stmt body) {
            boolean saved = breakLeavesParallel;
            breakLeavesParallel = false;
            statement(body, false, false);
            breakLeavesParallel = saved;
        }

        private void parallelFor(Stmt.ParallelFor p, boolean top, boolean inParallelBody) {
            expr(p.start());
            expr(p.end());
            if (!function.isKernel()) {
                reporter.error(p.pos(), "@Parallel loops must be in the @Kernel method itself, not in helpers");
            } else if (function.style() == KernelSpec.Style.CONTEXT) {
                reporter.error(p.pos(), "@Parallel loops are not supported in KernelContext kernels;"
                        + " use ctx.globalIdx");
            } else if (p.dimension() == 0) {
                if (!top) {
                    reporter.error(p.pos(), "the outer @Parallel loop must be a statement of the kernel's body itself");
                } else if (!outerLoops.isEmpty()) {
                    reporter.error(p.pos(), "a kernel may have one @Parallel loop nest; split it into several kernels");
                }
                outerLoops.add(p);
            } else if (p.dimension() == 1) {
                if (!inParallelBody) {
                    reporter.error(p.pos(), "the inner @Parallel loop must be a statement of the outer"
                            + " @Parallel loop's body itself");
                } else if (innerLoop != null) {
                    reporter.error(p.pos(), "a @Parallel loop may contain one inner @Parallel loop");
                }
                innerLoop = p;
            } else {
                reporter.error(p.pos(), "at most two nested @Parallel loops are supported (dimensions 0 and 1)");
            }
            parallelIndices.add(p.index().name());
            parallelDepth++;
            boolean saved = breakLeavesParallel;
            breakLeavesParallel = true;
            if (p.body() instanceof Stmt.Block b) {
                b.body().forEach(x -> statement(x, false, true));
            } else {
                statement(p.body(), false, true);
            }
            breakLeavesParallel = saved;
            parallelDepth--;
            parallelIndices.remove(p.index().name());
        }

        private void expr(Expr e) {
            switch (e) {
                case Expr.Call c -> facts.calls.add(c);
                case Expr.Assign a -> written(a.target());
                case Expr.Step s -> written(s.target());
                case Expr.Atomic a -> written(a.array());
                case Expr.Shuffle s -> {
                    facts.barrier = true;
                    facts.shuffle = true;
                }
                default -> { }
            }
            IrWalk.children(e).forEach(this::expr);
        }

        private void written(Expr target) {
            if (target instanceof Expr.Local l && parallelIndices.contains(l.name())) {
                reporter.error(target.pos(), "the index of a @Parallel loop must not be assigned in its body");
            }
            boolean array = target instanceof Expr.Index || target.type() instanceof Ty.Array;
            if (array && function.style() == KernelSpec.Style.PARALLEL && parallelDepth == 0) {
                reporter.error(target.pos(), "in a @Parallel kernel, arrays may only be written inside the"
                        + " @Parallel loop (code outside it runs in every work-item)");
            }
        }
    }
}
