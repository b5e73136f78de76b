package sparse.tasks.translate;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import sparse.tasks.lang.KernelSpec;

/**
 * Stage 3: prints a checked program as C, one statement per line with the Java line each came
 * from. This class walks the IR; {@link OpenClPrinter} and {@link CudaPrinter} say how each
 * construct is spelt in their dialect.
 */
abstract class CPrinter {

    /** An expression's text and how tightly it binds (C precedence: higher binds tighter). */
    record Code(String text, int prec) {
    }

    static final int ATOM = 15;
    static final int UNARY = 14;
    static final int ASSIGN = 2;

    /** A kernel's local array that shuffles go through where the dialect has no shuffle of its own. */
    static final String EXCHANGE = "sparse_exchange";
    /** Its length: the most work-items a shuffling work-group may have there (CUDA's block limit). */
    static final int EXCHANGE_LENGTH = KernelSpec.MAX_SHUFFLE_GROUP;

    private final StringBuilder text = new StringBuilder();
    private final List<Integer> javaLines = new ArrayList<>();
    private int indent;
    private Program program;
    private Map<String, Program.Function> functions;
    /** The address space of each array parameter of the function being printed, by C name. */
    private Map<String, Ty.Space> spaceOfParams;
    /** The functions that shuffle, themselves or through a helper. */
    private Set<String> shuffling;

    // ---- the dialect

    abstract String typeName(Ty.Prim type);

    abstract String unsignedName(Ty.Prim type);

    abstract String longSuffix();

    /** NaN and the infinities. */
    abstract Code specialFloat(float value);

    abstract Code contextValue(ContextField field);

    abstract Code globalId(int dimension);

    abstract Code globalSize(int dimension);

    abstract String barrier();

    abstract Code intrinsic(Intrinsic op, List<String> args);

    /** Java's float to int conversion: round toward zero, saturate, NaN to 0. */
    abstract Code floatToInt(String operand);

    abstract String fmod();

    abstract String atomic(Expr.AtomicOp op);

    abstract String kernelQualifier();

    /** The qualifiers before a helper's return type; {@code takesLocalArrays}: some call passes it a local array. */
    abstract String helperQualifier(boolean takesLocalArrays);

    /** A pointer parameter to an array in {@code space}. */
    abstract String pointer(Ty.Prim element, Ty.Space space);

    /**
     * Whether a pointer's type names its address space, so that a helper needs one function
     * per combination of spaces its array parameters are called with.
     */
    abstract boolean pointersNameTheirSpace();

    abstract String localArray(Ty.Prim element, String name, int length);

    /** {@code ctx.shuffle(value, lane)}. */
    abstract Code shuffle(String value, String lane);

    /** {@code ctx.copyToLocalAsync}: a statement that starts copying 16 bytes from {@code from} (global) to {@code to}. */
    abstract String copyToLocalAsync(String to, String from);

    /** {@code ctx.commitCopies()}: a statement, or null where the dialect's copies are done at once. */
    abstract String commitCopies();

    /** {@code ctx.awaitCopies(batches)}: a statement, or null where the dialect's copies are done at once. */
    abstract String awaitCopies(int batches);

    /** The first statement of every context-style kernel, or null where the dialect needs none. */
    abstract String kernelEntry();

    /**
     * The parameter by which a helper that shuffles receives its kernel's {@link #EXCHANGE}
     * array; null where shuffles need no memory (then kernels declare no such array either).
     */
    abstract String exchangeParameter();

    /** Helper functions a program gets once, before its own functions, where it needs them. */
    enum PreludeFunction {
        HALF_TO_FLOAT, FLOAT_TO_HALF, BF16_TO_FLOAT, FLOAT_TO_BF16,
        /** Java's float to long conversion; NVIDIA's conversions send NaN to Long.MIN_VALUE, not 0. */
        FLOAT_TO_LONG,
        /** A sub-group shuffle through the kernel's exchange array. */
        SHUFFLE,
        /** The asynchronous copies: {@code ctx.copyToLocalAsync}, {@code commitCopies}, {@code awaitCopies}. */
        COPY_TO_LOCAL_ASYNC, COMMIT_COPIES, AWAIT_COPIES,
        /** {@link #kernelEntry}: every program with a context-style kernel. */
        AWAIT_PREVIOUS_KERNEL
    }

    /**
     * The prelude function's C text, as lines (none where the dialect has it built in); its
     * name is {@code sparse_} and the enum name in lower case.
     */
    abstract List<String> preludeFunction(PreludeFunction f);

    // ---- program

    KernelSpec.Source print(Program p) {
        program = p;
        functions = new HashMap<>();
        p.functions().forEach(f -> functions.put(f.javaName(), f));
        shuffling = p.functions().stream().filter(Program.Function::usesShuffle).map(Program.Function::javaName)
                .collect(Collectors.toSet());
        line("// " + p.javaClass() + " (" + p.javaFile() + "), translated by sparse.tasks.translate.KernelProcessor:"
                + " do not edit", 0);
        for (PreludeFunction f : preludeNeeded(p)) {
            List<String> lines = preludeFunction(f);
            if (!lines.isEmpty()) {
                line("", 0);
                lines.forEach(l -> line(l, 0));
            }
        }
        for (Program.Function f : p.functions()) {
            List<List<Ty.Space>> combinations = pointersNameTheirSpace() ? f.arraySpaces() : f.arraySpaces().subList(0, 1);
            for (List<Ty.Space> combination : combinations) {
                line("", 0);
                function(f, combination);
            }
        }
        int[] lines = javaLines.stream().mapToInt(Integer::intValue).toArray();
        return new KernelSpec.Source(text.toString(), lines);
    }

    private static Set<PreludeFunction> preludeNeeded(Program p) {
        Set<PreludeFunction> needed = EnumSet.noneOf(PreludeFunction.class);
        for (Program.Function f : p.functions()) {
            if (f.style() == KernelSpec.Style.CONTEXT) {
                needed.add(PreludeFunction.AWAIT_PREVIOUS_KERNEL);
            }
            IrWalk.visitExprs(f.body(), e -> {
                switch (e) {
                    case Expr.Intrinsic i when i.op() == Intrinsic.HALF_TO_FLOAT -> needed.add(PreludeFunction.HALF_TO_FLOAT);
                    case Expr.Intrinsic i when i.op() == Intrinsic.FLOAT_TO_HALF -> needed.add(PreludeFunction.FLOAT_TO_HALF);
                    case Expr.Intrinsic i when i.op() == Intrinsic.BF16_TO_FLOAT -> needed.add(PreludeFunction.BF16_TO_FLOAT);
                    case Expr.Intrinsic i when i.op() == Intrinsic.FLOAT_TO_BF16 -> needed.add(PreludeFunction.FLOAT_TO_BF16);
                    case Expr.Cast c when c.type() == Ty.Prim.LONG && c.operand().type() == Ty.Prim.FLOAT ->
                            needed.add(PreludeFunction.FLOAT_TO_LONG);
                    case Expr.Shuffle s -> needed.add(PreludeFunction.SHUFFLE);
                    default -> { }
                }
            });
            IrWalk.visitStmts(f.body(), s -> {
                switch (s) {
                    case Stmt.CopyToLocalAsync c -> needed.add(PreludeFunction.COPY_TO_LOCAL_ASYNC);
                    case Stmt.CommitCopies c -> needed.add(PreludeFunction.COMMIT_COPIES);
                    case Stmt.AwaitCopies a -> needed.add(PreludeFunction.AWAIT_COPIES);
                    default -> { }
                }
            });
        }
        return needed;
    }

    /**
     * The C name of a kernel or helper: the class's simple name, an underscore, the method's
     * name; where pointers name their space, a helper's function for local arrays adds
     * {@code _local} and the names of the parameters that take them.
     */
    String functionName(Program.Function f, List<Ty.Space> combination) {
        StringBuilder name = new StringBuilder(program.simpleName() + "_" + f.javaName());
        if (pointersNameTheirSpace() && combination.contains(Ty.Space.LOCAL)) {
            name.append("_local");
            Checker.spaceOfParams(f, combination).forEach((param, space) -> {
                if (space == Ty.Space.LOCAL) {
                    name.append('_').append(param);
                }
            });
        }
        return name.toString();
    }

    private void function(Program.Function f, List<Ty.Space> combination) {
        spaceOfParams = Checker.spaceOfParams(f, combination);
        List<String> params = new ArrayList<>();
        List<String> lengths = new ArrayList<>();
        for (Program.Param p : f.params()) {
            Expr.Local v = p.variable();
            switch (v.type()) {
                case Ty.Context c -> { }
                case Ty.Array a -> {
                    params.add(pointer(a.element(), spaceOfParams.get(v.name())) + " " + v.name());
                    lengths.add("int " + v.name() + "_length");
                }
                case Ty.Prim prim -> params.add(typeName(prim) + " " + v.name());
            }
        }
        params.addAll(lengths);
        boolean exchange = f.usesShuffle() && exchangeParameter() != null;
        if (exchange && !f.isKernel()) {
            params.add(exchangeParameter());
        }
        String head = f.isKernel() ? kernelQualifier() + " void"
                : helperQualifier(f.takesLocalArrays()) + typeName(f.returnType());
        line(head + " " + functionName(f, combination) + "(" + String.join(", ", params) + ") {", f.pos().line());
        indent++;
        for (Stmt s : f.body().body()) {
            if (s instanceof Stmt.LocalArray a) {
                Ty.Array t = (Ty.Array) a.variable().type();
                line(localArray(t.element(), a.variable().name(), t.length()), a.pos().line());
            }
        }
        if (exchange && f.isKernel()) {
            line(localArray(Ty.Prim.FLOAT, EXCHANGE, EXCHANGE_LENGTH), f.pos().line());
        }
        if (f.style() == KernelSpec.Style.CONTEXT && kernelEntry() != null) {
            line(kernelEntry() + ";", f.pos().line());
        }
        for (Stmt s : f.body().body()) {
            statement(s);
        }
        indent--;
        line("}", f.pos().line());
    }

    // ---- statements

    private void statement(Stmt s) {
        int at = s.pos().line();
        switch (s) {
            case Stmt.Declare d -> line(declaration(d) + ";", at);
            case Stmt.LocalArray a -> { } // hoisted to the start of the kernel
            case Stmt.Eval e -> line(expr(e.expr()).text() + ";", at);
            case Stmt.Block b -> {
                line("{", at);
                body(b);
                line("}", at);
            }
            case Stmt.If i -> {
                line("if (" + expr(i.condition()).text() + ") {", at);
                body(i.then());
                Stmt otherwise = i.otherwise();
                while (otherwise instanceof Stmt.If elseIf) {
                    line("} else if (" + expr(elseIf.condition()).text() + ") {", elseIf.pos().line());
                    body(elseIf.then());
                    otherwise = elseIf.otherwise();
                }
                if (otherwise != null) {
                    line("} else {", otherwise.pos().line());
                    body(otherwise);
                }
                line("}", at);
            }
            case Stmt.For f -> {
                line("for (" + forInit(f.init()) + "; " + (f.condition() == null ? "" : expr(f.condition()).text())
                        + "; " + String.join(", ", f.update().stream().map(u -> expr(u).text()).toList()) + ") {", at);
                body(f.body());
                line("}", at);
            }
            case Stmt.ParallelFor p -> {
                String i = p.index().name();
                Code id = globalId(p.dimension());
                String start = p.start() instanceof Expr.Literal l && Integer.valueOf(0).equals(l.value())
                        ? id.text() : wrap(p.start(), 12) + " + " + id.text();
                line("for (int " + i + " = " + start + "; " + i + " < " + wrap(p.end(), 11) + "; "
                        + i + " += " + globalSize(p.dimension()).text() + ") {", at);
                body(p.body());
                line("}", at);
            }
            case Stmt.While w -> {
                line("while (" + expr(w.condition()).text() + ") {", at);
                body(w.body());
                line("}", at);
            }
            case Stmt.DoWhile d -> {
                line("do {", at);
                body(d.body());
                line("} while (" + expr(d.condition()).text() + ");", d.condition().pos().line());
            }
            case Stmt.Switch sw -> {
                line("switch (" + expr(sw.selector()).text() + ") {", at);
                for (Stmt.Case c : sw.cases()) {
                    // braces give each case's declarations a scope, as C and C++ require
                    String labels = c.labels().isEmpty() ? "default:"
                            : String.join(" ", c.labels().stream().map(v -> "case " + intLiteral(v).text() + ":").toList());
                    indent++;
                    if (c.body().isEmpty()) {
                        line(labels, c.pos().line()); // falls through to the next case
                    } else {
                        line(labels + " {", c.pos().line());
                        List<Stmt> body = c.body().size() == 1 && c.body().get(0) instanceof Stmt.Block b
                                ? b.body() : c.body();
                        indent++;
                        body.forEach(this::statement);
                        indent--;
                        line("}", c.pos().line());
                    }
                    indent--;
                }
                line("}", at);
            }
            case Stmt.Break b -> line("break;", at);
            case Stmt.Continue c -> line("continue;", at);
            case Stmt.Return r -> line(r.value() == null ? "return;" : "return " + expr(r.value()).text() + ";", at);
            case Stmt.Barrier b -> line(barrier() + ";", at);
            case Stmt.CopyToLocalAsync c -> line(copyToLocalAsync(address(c.to(), c.toIndex()),
                    address(c.from(), c.fromIndex())) + ";", at);
            case Stmt.CommitCopies c -> statementIfAny(commitCopies(), at);
            case Stmt.AwaitCopies a -> statementIfAny(awaitCopies(a.batches()), at);
        }
    }

    private void statementIfAny(String statement, int javaLine) {
        if (statement != null) {
            line(statement + ";", javaLine);
        }
    }

    /** The address of {@code array[index]}: {@code array + index}. */
    private String address(Expr.Local array, Expr index) {
        return index instanceof Expr.Literal l && Integer.valueOf(0).equals(l.value())
                ? array.name() : array.name() + " + " + wrap(index, 13);
    }

    /** The statements of a loop's or branch's body, one level in. */
    private void body(Stmt s) {
        indent++;
        if (s instanceof Stmt.Block b) {
            b.body().forEach(this::statement);
        } else {
            statement(s);
        }
        indent--;
    }

    private String declaration(Stmt.Declare d) {
        String decl = typeName((Ty.Prim) d.variable().type()) + " " + d.variable().name();
        return d.init() == null ? decl : decl + " = " + wrap(d.init(), ASSIGN);
    }

    private String forInit(List<Stmt> init) {
        if (init.isEmpty()) {
            return "";
        }
        if (init.get(0) instanceof Stmt.Declare first) {
            // one Java declaration with several variables of one type
            List<String> parts = new ArrayList<>();
            parts.add(declaration(first));
            for (Stmt s : init.subList(1, init.size())) {
                Stmt.Declare d = (Stmt.Declare) s;
                parts.add(d.variable().name() + (d.init() == null ? "" : " = " + wrap(d.init(), ASSIGN)));
            }
            return String.join(", ", parts);
        }
        return String.join(", ", init.stream().map(s -> expr(((Stmt.Eval) s).expr()).text()).toList());
    }

    // ---- expressions

    Code expr(Expr e) {
        return switch (e) {
            case Expr.Literal l -> literal(l);
            case Expr.Local l -> new Code(l.name(), ATOM);
            case Expr.Length l -> new Code(l.array().name() + "_length", ATOM);
            case Expr.Index i -> new Code(i.array().name() + "[" + expr(i.index()).text() + "]", ATOM);
            case Expr.Unary u -> {
                String op = switch (u.op()) {
                    case NEG -> "-";
                    case NOT -> "!";
                    case COMPLEMENT -> "~";
                };
                String operand = wrap(u.operand(), UNARY);
                if (operand.startsWith("-") || operand.startsWith("+")) {
                    operand = "(" + operand + ")";
                }
                yield new Code(op + operand, UNARY);
            }
            case Expr.Step s -> {
                String op = s.increment() ? "++" : "--";
                yield s.prefix() ? new Code(op + wrap(s.target(), UNARY), UNARY) : new Code(wrap(s.target(), ATOM) + op, ATOM);
            }
            case Expr.Binary b -> binary(b);
            case Expr.Assign a -> assign(a);
            case Expr.Conditional c -> new Code(wrap(c.condition(), 4) + " ? " + wrap(c.ifTrue(), 4) + " : "
                    + wrap(c.ifFalse(), 3), 3);
            case Expr.Cast c -> cast(c);
            case Expr.Call c -> {
                List<String> args = new ArrayList<>();
                List<String> lengths = new ArrayList<>();
                List<Ty.Space> combination = new ArrayList<>();
                for (Expr a : c.args()) {
                    args.add(wrap(a, ASSIGN));
                    if (a instanceof Expr.Local l && l.type() instanceof Ty.Array t) {
                        if (t.space() == Ty.Space.LOCAL) {
                            // the kernel's own local array: its length is a constant
                            lengths.add(Integer.toString(t.length()));
                            combination.add(Ty.Space.LOCAL);
                        } else {
                            lengths.add(l.name() + "_length");
                            combination.add(spaceOfParams.getOrDefault(l.name(), Ty.Space.GLOBAL));
                        }
                    }
                }
                args.addAll(lengths);
                if (shuffling.contains(c.function()) && exchangeParameter() != null) {
                    args.add(EXCHANGE);
                }
                yield new Code(functionName(functions.get(c.function()), combination) + "("
                        + String.join(", ", args) + ")", ATOM);
            }
            case Expr.Intrinsic i -> intrinsic(i.op(), i.args().stream().map(a -> wrap(a, ASSIGN)).toList());
            case Expr.ContextValue c -> contextValue(c.field());
            case Expr.Shuffle s -> shuffle(wrap(s.value(), ASSIGN), wrap(s.lane(), ASSIGN));
            case Expr.Atomic a -> {
                List<String> args = new ArrayList<>();
                args.add("&" + a.array().name() + "[" + expr(a.index()).text() + "]");
                a.operands().forEach(o -> args.add(wrap(o, ASSIGN)));
                yield new Code(atomic(a.op()) + "(" + String.join(", ", args) + ")", ATOM);
            }
        };
    }

    private String wrap(Expr e, int minPrec) {
        return wrap(expr(e), minPrec);
    }

    private static String wrap(Code c, int minPrec) {
        return c.prec() < minPrec ? "(" + c.text() + ")" : c.text();
    }

    private static int prec(Expr.BinaryOp op) {
        return switch (op) {
            case MUL, DIV, REM -> 13;
            case ADD, SUB -> 12;
            case SHL, SHR, USHR -> 11;
            case LT, GT, LE, GE -> 10;
            case EQ, NE -> 9;
            case AND -> 8;
            case XOR -> 7;
            case OR -> 6;
            case ANDAND -> 5;
            case OROR -> 4;
        };
    }

    private Code binary(Expr.Binary b) {
        Expr.BinaryOp op = b.op();
        if (op == Expr.BinaryOp.REM && b.type() == Ty.Prim.FLOAT) {
            return new Code(fmod() + "(" + wrap(b.left(), ASSIGN) + ", " + wrap(b.right(), ASSIGN) + ")", ATOM);
        }
        if (op == Expr.BinaryOp.USHR) {
            return unsignedShift(b.type(), wrap(b.left(), UNARY), shiftCount(b.right(), b.type()));
        }
        if (op == Expr.BinaryOp.SHL || op == Expr.BinaryOp.SHR) {
            return new Code(wrap(b.left(), 11) + " " + op.java + " " + wrap(shiftCount(b.right(), b.type()), 12), 11);
        }
        int p = prec(op);
        // a && b inside || gets parentheses, as compilers suggest; the meaning is the same
        int left = op == Expr.BinaryOp.OROR && isAndAnd(b.left()) ? ATOM : p;
        int right = op == Expr.BinaryOp.OROR && isAndAnd(b.right()) ? ATOM : p + 1;
        return new Code(wrap(b.left(), left) + " " + op.java + " " + wrap(b.right(), right), p);
    }

    private static boolean isAndAnd(Expr e) {
        return e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.ANDAND;
    }

    /** Java masks a shift count to the operand's width; C leaves a larger count undefined. */
    private Code shiftCount(Expr count, Ty.Prim type) {
        int mask = type == Ty.Prim.LONG ? 63 : 31;
        if (count instanceof Expr.Literal l && l.value() instanceof Number n) {
            return new Code(Long.toString(n.longValue() & mask), ATOM);
        }
        return new Code(wrap(count, UNARY) + " & " + mask, 8);
    }

    /** {@code >>>}: shift the bits as unsigned, then read them back as signed. */
    private Code unsignedShift(Ty.Prim type, String operand, Code count) {
        return new Code("(" + typeName(type) + ")((" + unsignedName(type) + ")" + operand + " >> "
                + wrap(count, 12) + ")", UNARY);
    }

    private Code assign(Expr.Assign a) {
        String target = wrap(a.target(), UNARY);
        if (a.op() == null) {
            return new Code(target + " = " + wrap(a.value(), ASSIGN), ASSIGN);
        }
        Code value = switch (a.op()) {
            case SHL, SHR -> new Code(target + " " + a.op().java + "= " + wrap(shiftCount(a.value(), a.type()), ATOM), ASSIGN);
            case USHR -> new Code(target + " = " + unsignedShift(a.type(), target, shiftCount(a.value(), a.type())).text(), ASSIGN);
            case REM -> a.type() == Ty.Prim.FLOAT
                    ? new Code(target + " = " + fmod() + "(" + target + ", " + wrap(a.value(), ASSIGN) + ")", ASSIGN)
                    : null;
            default -> null;
        };
        return value != null ? value : new Code(target + " " + a.op().java + "= " + wrap(a.value(), ASSIGN), ASSIGN);
    }

    private Code cast(Expr.Cast c) {
        Ty.Prim to = c.type();
        Ty from = c.operand().type();
        if (from == Ty.Prim.FLOAT && to.isIntegral()) {
            String operand = wrap(c.operand(), ASSIGN);
            return switch (to) {
                case INT -> floatToInt(operand);
                case LONG -> new Code("sparse_float_to_long(" + operand + ")", ATOM);
                // Java narrows float to short or byte through int
                default -> new Code("(" + typeName(to) + ")" + floatToInt(operand).text(), UNARY);
            };
        }
        return new Code("(" + typeName(to) + ")" + wrap(c.operand(), UNARY), UNARY);
    }

    private Code literal(Expr.Literal l) {
        return switch (l.type()) {
            case BOOLEAN -> new Code(l.value().toString(), ATOM);
            case FLOAT -> {
                float v = (Float) l.value();
                if (Float.isNaN(v) || Float.isInfinite(v)) {
                    yield specialFloat(v);
                }
                String s = Float.toString(v) + "f";
                yield new Code(s, s.startsWith("-") ? UNARY : ATOM);
            }
            case LONG -> {
                long v = (Long) l.value();
                yield v == Long.MIN_VALUE ? new Code("(-9223372036854775807" + longSuffix() + " - 1" + longSuffix() + ")", ATOM)
                        : new Code(v + longSuffix(), v < 0 ? UNARY : ATOM);
            }
            default -> intLiteral(((Number) l.value()).intValue());
        };
    }

    private static Code intLiteral(int v) {
        // -2147483648 is not an int literal in C (2147483648 does not fit an int)
        return v == Integer.MIN_VALUE ? new Code("(-2147483647 - 1)", ATOM) : new Code(Integer.toString(v), v < 0 ? UNARY : ATOM);
    }

    // ---- output

    private void line(String s, int javaLine) {
        if (!s.isEmpty()) {
            text.append("    ".repeat(indent));
        }
        text.append(s).append('\n');
        javaLines.add(javaLine);
    }
}
