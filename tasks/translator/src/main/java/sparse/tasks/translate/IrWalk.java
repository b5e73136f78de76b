package sparse.tasks.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Walks the kernel IR: an expression's operands, and every expression under a statement. */
final class IrWalk {
    private IrWalk() {
    }

    static List<Expr> children(Expr e) {
        return switch (e) {
            case Expr.Literal l -> List.of();
            case Expr.Local l -> List.of();
            case Expr.Length l -> List.of();
            case Expr.ContextValue c -> List.of();
            case Expr.Index i -> List.of(i.array(), i.index());
            case Expr.Unary u -> List.of(u.operand());
            case Expr.Step s -> List.of(s.target());
            case Expr.Binary b -> List.of(b.left(), b.right());
            case Expr.Assign a -> List.of(a.target(), a.value());
            case Expr.Conditional c -> List.of(c.condition(), c.ifTrue(), c.ifFalse());
            case Expr.Cast c -> List.of(c.operand());
            case Expr.Call c -> c.args();
            case Expr.Intrinsic i -> i.args();
            case Expr.Shuffle s -> List.of(s.value(), s.lane());
            case Expr.Atomic a -> {
                List<Expr> all = new ArrayList<>(List.of(a.array(), a.index()));
                all.addAll(a.operands());
                yield all;
            }
        };
    }

    /** Calls {@code visitor} on every expression in {@code s}, subexpressions included. */
    static void visitExprs(Stmt s, Consumer<Expr> visitor) {
        Consumer<Expr> deep = new Consumer<>() {
            @Override
            public void accept(Expr e) {
                visitor.accept(e);
                children(e).forEach(this);
            }
        };
        switch (s) {
            case Stmt.Declare d -> {
                if (d.init() != null) {
                    deep.accept(d.init());
                }
            }
            case Stmt.Eval e -> deep.accept(e.expr());
            case Stmt.Block b -> b.body().forEach(x -> visitExprs(x, visitor));
            case Stmt.If i -> {
                deep.accept(i.condition());
                visitExprs(i.then(), visitor);
                if (i.otherwise() != null) {
                    visitExprs(i.otherwise(), visitor);
                }
            }
            case Stmt.For f -> {
                f.init().forEach(x -> visitExprs(x, visitor));
                if (f.condition() != null) {
                    deep.accept(f.condition());
                }
                f.update().forEach(deep);
                visitExprs(f.body(), visitor);
            }
            case Stmt.ParallelFor p -> {
                deep.accept(p.start());
                deep.accept(p.end());
                visitExprs(p.body(), visitor);
            }
            case Stmt.While w -> {
                deep.accept(w.condition());
                visitExprs(w.body(), visitor);
            }
            case Stmt.DoWhile d -> {
                visitExprs(d.body(), visitor);
                deep.accept(d.condition());
            }
            case Stmt.Switch sw -> {
                deep.accept(sw.selector());
                sw.cases().forEach(c -> c.body().forEach(x -> visitExprs(x, visitor)));
            }
            case Stmt.Return r -> {
                if (r.value() != null) {
                    deep.accept(r.value());
                }
            }
            case Stmt.LocalArray a -> { }
            case Stmt.Break b -> { }
            case Stmt.Continue c -> { }
            case Stmt.Barrier b -> { }
        }
    }
}
