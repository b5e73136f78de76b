package sparse.tasks.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/** Walks the kernel IR: an expression's operands, a statement's statements and expressions. */
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

    /** The statements directly inside {@code s}: a block's, a branch's, a loop's (its header's too), a case's. */
    static List<Stmt> children(Stmt s) {
        return switch (s) {
            case Stmt.Block b -> b.body();
            case Stmt.If i -> i.otherwise() == null ? List.of(i.then()) : List.of(i.then(), i.otherwise());
            case Stmt.For f -> {
                List<Stmt> all = new ArrayList<>(f.init());
                all.add(f.body());
                yield all;
            }
            case Stmt.ParallelFor p -> List.of(p.body());
            case Stmt.While w -> List.of(w.body());
            case Stmt.DoWhile d -> List.of(d.body());
            case Stmt.Switch sw -> sw.cases().stream().flatMap(c -> c.body().stream()).toList();
            case Stmt.Declare _, Stmt.LocalArray _, Stmt.Eval _, Stmt.Break _, Stmt.Continue _, Stmt.Return _,
                 Stmt.Barrier _, Stmt.CopyToLocalAsync _, Stmt.CommitCopies _, Stmt.AwaitCopies _ -> List.of();
        };
    }

    /** The expressions of {@code s} itself, not those of the statements inside it. */
    static List<Expr> exprs(Stmt s) {
        List<Expr> out = new ArrayList<>();
        switch (s) {
            case Stmt.Declare d -> out.add(d.init());
            case Stmt.Eval e -> out.add(e.expr());
            case Stmt.If i -> out.add(i.condition());
            case Stmt.For f -> {
                out.add(f.condition());
                out.addAll(f.update());
            }
            case Stmt.ParallelFor p -> out.addAll(List.of(p.start(), p.end()));
            case Stmt.While w -> out.add(w.condition());
            case Stmt.DoWhile d -> out.add(d.condition());
            case Stmt.Switch sw -> out.add(sw.selector());
            case Stmt.Return r -> out.add(r.value());
            case Stmt.CopyToLocalAsync c -> out.addAll(List.of(c.to(), c.toIndex(), c.from(), c.fromIndex()));
            case Stmt.Block _, Stmt.LocalArray _, Stmt.Break _, Stmt.Continue _, Stmt.Barrier _,
                 Stmt.CommitCopies _, Stmt.AwaitCopies _ -> { }
        }
        out.removeIf(Objects::isNull); // an absent initialiser, condition or return value
        return out;
    }

    /** Calls {@code visitor} on {@code s} and every statement inside it. */
    static void visitStmts(Stmt s, Consumer<Stmt> visitor) {
        visitor.accept(s);
        children(s).forEach(c -> visitStmts(c, visitor));
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
        visitStmts(s, x -> exprs(x).forEach(deep));
    }
}
