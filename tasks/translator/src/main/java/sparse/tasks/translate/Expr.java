package sparse.tasks.translate;

import java.util.List;

/** Kernel IR expressions. Every expression knows its Java type and source position. */
sealed interface Expr {

    Ty type();

    Pos pos();

    /** An int, long, float or boolean constant (value: Integer, Long, Float or Boolean). */
    record Literal(Ty.Prim type, Object value, Pos pos) implements Expr {
    }

    /** A local variable or parameter, by its C name. */
    record Local(String name, Ty type, Pos pos) implements Expr {
    }

    /** {@code a.length} of a global array: the hidden {@code a_length} parameter. */
    record Length(Local array, Pos pos) implements Expr {
        public Ty type() {
            return Ty.Prim.INT;
        }
    }

    record Index(Local array, Expr index, Ty.Prim type, Pos pos) implements Expr {
    }

    enum UnaryOp { NEG, NOT, COMPLEMENT }

    record Unary(UnaryOp op, Expr operand, Ty.Prim type, Pos pos) implements Expr {
    }

    /** {@code ++x}, {@code x--} and friends. */
    record Step(Expr target, boolean increment, boolean prefix, Ty.Prim type, Pos pos) implements Expr {
    }

    enum BinaryOp {
        MUL("*"), DIV("/"), REM("%"), ADD("+"), SUB("-"),
        SHL("<<"), SHR(">>"), USHR(">>>"),
        LT("<"), GT(">"), LE("<="), GE(">="), EQ("=="), NE("!="),
        AND("&"), XOR("^"), OR("|"), ANDAND("&&"), OROR("||");

        final String java;

        BinaryOp(String java) {
            this.java = java;
        }
    }

    /** {@code type} is the type of the operation's result (the promoted operand type, or boolean). */
    record Binary(BinaryOp op, Expr left, Expr right, Ty.Prim type, Pos pos) implements Expr {
    }

    /** {@code target = value}, or with {@code op} the compound {@code target op= value}. */
    record Assign(Expr target, BinaryOp op, Expr value, Ty.Prim type, Pos pos) implements Expr {
    }

    record Conditional(Expr condition, Expr ifTrue, Expr ifFalse, Ty.Prim type, Pos pos) implements Expr {
    }

    record Cast(Ty.Prim type, Expr operand, Pos pos) implements Expr {
    }

    /** A call of a helper: another static method of the kernel class, by Java name. */
    record Call(String function, List<Expr> args, Ty.Prim type, Pos pos) implements Expr {
    }

    /** A {@code KernelMath} call. */
    record Intrinsic(sparse.tasks.translate.Intrinsic op, List<Expr> args, Ty.Prim type, Pos pos) implements Expr {
    }

    /** A {@code KernelContext} field. */
    record ContextValue(ContextField field, Pos pos) implements Expr {
        public Ty type() {
            return Ty.Prim.INT;
        }
    }

    /**
     * {@code ctx.shuffle(value, lane)}: the value that work-item {@code lane & 31} of the
     * sub-group holds; {@code value} is a float (the reader casts another type, as Java does).
     */
    record Shuffle(Expr value, Expr lane, Pos pos) implements Expr {
        public Ty type() {
            return Ty.Prim.FLOAT;
        }
    }

    enum AtomicOp { ADD, MAX, MIN, COMPARE_AND_SWAP }

    /** An atomic on {@code array[index]}; operands: the value, or expected and new value. Returns the old value. */
    record Atomic(AtomicOp op, Local array, Expr index, List<Expr> operands, Pos pos) implements Expr {
        public Ty type() {
            return Ty.Prim.INT;
        }
    }
}
