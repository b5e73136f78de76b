package sparse.tasks.translate;

import java.util.List;

/** Kernel IR statements. */
sealed interface Stmt {

    Pos pos();

    /** A local variable; {@code init} may be null. */
    record Declare(Expr.Local variable, Expr init, Pos pos) implements Stmt {
    }

    /** A local-memory array; the printer hoists it to the start of the kernel. */
    record LocalArray(Expr.Local variable, Pos pos) implements Stmt {
    }

    record Eval(Expr expr, Pos pos) implements Stmt {
    }

    record Block(List<Stmt> body, Pos pos) implements Stmt {
    }

    /** {@code otherwise} may be null. */
    record If(Expr condition, Stmt then, Stmt otherwise, Pos pos) implements Stmt {
    }

    /** {@code init} holds declarations or expression statements; {@code condition} may be null. */
    record For(List<Stmt> init, Expr condition, List<Expr> update, Stmt body, Pos pos) implements Stmt {
    }

    /**
     * {@code for (@Parallel int i = start; i < end; i++)}: a grid-stride loop over dimension
     * {@code dimension}. {@code bound} is the bound as recorded in the spec (null: another expression).
     */
    record ParallelFor(Expr.Local index, int dimension, Expr start, Expr end, String bound, Stmt body, Pos pos)
            implements Stmt {
    }

    record While(Expr condition, Stmt body, Pos pos) implements Stmt {
    }

    record DoWhile(Stmt body, Expr condition, Pos pos) implements Stmt {
    }

    /** A switch on an int; each case's body falls through as in Java and C. */
    record Switch(Expr selector, List<Case> cases, Pos pos) implements Stmt {
    }

    /** {@code labels} empty means {@code default}. */
    record Case(List<Integer> labels, List<Stmt> body, Pos pos) {
    }

    record Break(Pos pos) implements Stmt {
    }

    record Continue(Pos pos) implements Stmt {
    }

    /** {@code value} may be null. */
    record Return(Expr value, Pos pos) implements Stmt {
    }

    record Barrier(Pos pos) implements Stmt {
    }

    /**
     * {@code ctx.copyToLocalAsync(to, toIndex, from, fromIndex)}: starts copying four ints of
     * the global array {@code from} to the kernel's local array {@code to}.
     */
    record CopyToLocalAsync(Expr.Local to, Expr toIndex, Expr.Local from, Expr fromIndex, Pos pos) implements Stmt {
    }

    /** {@code ctx.commitCopies()}: closes this work-item's copies started since the last commit into a batch. */
    record CommitCopies(Pos pos) implements Stmt {
    }

    /** {@code ctx.awaitCopies(batches)}: waits until at most {@code batches} (0 to 7) committed batches are copying. */
    record AwaitCopies(int batches, Pos pos) implements Stmt {
    }
}
