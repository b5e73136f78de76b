package sparse.tasks.translate;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Stage 1, expressions: reads javac expression trees into IR expressions, resolving names to the
 * function's variables, constants, context fields, intrinsics and helper calls; throws
 * {@link Unsupported} at a construct outside the subset. Collects the helpers that calls reach.
 */
final class ExprReader {
    private final Trees trees;
    private final Reporter reporter;
    private final TypeElement kernelClass;
    private final ConstantFolder constants;
    private final Deque<ExecutableElement> pendingHelpers = new ArrayDeque<>();
    private final Set<ExecutableElement> seenHelpers = new HashSet<>();

    // the variables of the function being read
    private final Map<Element, Expr.Local> variables = new HashMap<>();
    private final Set<String> hiddenNames = new HashSet<>();

    ExprReader(Trees trees, Reporter reporter, TypeElement kernelClass, ConstantFolder constants) {
        this.trees = trees;
        this.reporter = reporter;
        this.kernelClass = kernelClass;
        this.constants = constants;
    }

    /** Forgets the last function's variables; {@code hidden} are its arrays' length parameter names. */
    void startFunction(Collection<String> hidden) {
        variables.clear();
        hiddenNames.clear();
        hiddenNames.addAll(hidden);
    }

    /** The next helper method a call reached that has not been handed out yet, or null. */
    ExecutableElement nextHelper() {
        return pendingHelpers.poll();
    }

    Expr.Local declare(Element variable, Tree at, Ty type) {
        String javaName = variable.getSimpleName().toString();
        if (!CNames.isValid(javaName)) {
            throw new Unsupported(at, "the name " + javaName + " is not a valid C identifier");
        }
        String name = CNames.of(javaName);
        if (hiddenNames.contains(name) && !(type instanceof Ty.Array)) {
            name = name + "_";
        }
        Expr.Local local = new Expr.Local(name, type, pos(at));
        variables.put(variable, local);
        return local;
    }

    Expr expr(TreePath path) {
        Tree t = path.getLeaf();
        Pos pos = pos(t);
        TypeMirror type = trees.getTypeMirror(path);
        if (t.getKind() == Tree.Kind.METHOD_INVOCATION) {
            return call(path); // which method says more than the type it returns
        }
        if (type != null && type.getKind() == TypeKind.DOUBLE) {
            throw new Unsupported(t, Reader.DOUBLE);
        }
        if (type != null && type.getKind() == TypeKind.CHAR) {
            throw new Unsupported(t, Reader.CHAR);
        }
        return switch (t.getKind()) {
            case PARENTHESIZED -> expr(new TreePath(path, ((ParenthesizedTree) t).getExpression()));
            case INT_LITERAL, LONG_LITERAL, FLOAT_LITERAL, BOOLEAN_LITERAL ->
                    new Expr.Literal(prim(type, t), ((LiteralTree) t).getValue(), pos);
            case STRING_LITERAL -> throw new Unsupported(t, "strings are not supported in kernels");
            case NULL_LITERAL -> throw new Unsupported(t, "objects are not supported in kernels: null");
            case IDENTIFIER -> name(path);
            case MEMBER_SELECT -> select(path);
            case ARRAY_ACCESS -> {
                ArrayAccessTree a = (ArrayAccessTree) t;
                Expr.Local array = arrayVariable(new TreePath(path, a.getExpression()));
                yield new Expr.Index(array, expr(new TreePath(path, a.getIndex())), prim(type, t), pos);
            }
            case UNARY_PLUS -> expr(new TreePath(path, ((UnaryTree) t).getExpression()));
            case UNARY_MINUS, BITWISE_COMPLEMENT, LOGICAL_COMPLEMENT -> {
                Expr.UnaryOp op = switch (t.getKind()) {
                    case UNARY_MINUS -> Expr.UnaryOp.NEG;
                    case BITWISE_COMPLEMENT -> Expr.UnaryOp.COMPLEMENT;
                    default -> Expr.UnaryOp.NOT;
                };
                yield new Expr.Unary(op, expr(new TreePath(path, ((UnaryTree) t).getExpression())), prim(type, t), pos);
            }
            case PREFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_INCREMENT, POSTFIX_DECREMENT -> {
                Expr target = assignable(new TreePath(path, ((UnaryTree) t).getExpression()));
                boolean increment = t.getKind() == Tree.Kind.PREFIX_INCREMENT || t.getKind() == Tree.Kind.POSTFIX_INCREMENT;
                boolean prefix = t.getKind() == Tree.Kind.PREFIX_INCREMENT || t.getKind() == Tree.Kind.PREFIX_DECREMENT;
                yield new Expr.Step(target, increment, prefix, prim(type, t), pos);
            }
            case MULTIPLY, DIVIDE, REMAINDER, PLUS, MINUS, LEFT_SHIFT, RIGHT_SHIFT, UNSIGNED_RIGHT_SHIFT,
                 LESS_THAN, GREATER_THAN, LESS_THAN_EQUAL, GREATER_THAN_EQUAL, EQUAL_TO, NOT_EQUAL_TO,
                 AND, XOR, OR, CONDITIONAL_AND, CONDITIONAL_OR -> {
                BinaryTree b = (BinaryTree) t;
                Ty.Prim result = prim(type, t);
                Expr left = expr(new TreePath(path, b.getLeftOperand()));
                Expr right = expr(new TreePath(path, b.getRightOperand()));
                yield new Expr.Binary(binaryOp(t.getKind()), left, right, result, pos);
            }
            case ASSIGNMENT -> {
                AssignmentTree a = (AssignmentTree) t;
                Expr target = assignable(new TreePath(path, a.getVariable()));
                yield new Expr.Assign(target, null, expr(new TreePath(path, a.getExpression())), prim(type, t), pos);
            }
            case MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT, REMAINDER_ASSIGNMENT, PLUS_ASSIGNMENT, MINUS_ASSIGNMENT,
                 LEFT_SHIFT_ASSIGNMENT, RIGHT_SHIFT_ASSIGNMENT, UNSIGNED_RIGHT_SHIFT_ASSIGNMENT,
                 AND_ASSIGNMENT, XOR_ASSIGNMENT, OR_ASSIGNMENT -> compoundAssignment(path);
            case CONDITIONAL_EXPRESSION -> {
                ConditionalExpressionTree c = (ConditionalExpressionTree) t;
                yield new Expr.Conditional(expr(new TreePath(path, c.getCondition())),
                        expr(new TreePath(path, c.getTrueExpression())),
                        expr(new TreePath(path, c.getFalseExpression())), prim(type, t), pos);
            }
            case TYPE_CAST -> cast(path);
            case METHOD_INVOCATION -> call(path);
            case NEW_ARRAY, NEW_CLASS -> throw new Unsupported(t, "objects are not supported in kernels: " + t + " allocates");
            case LAMBDA_EXPRESSION, MEMBER_REFERENCE ->
                    throw new Unsupported(t, "lambdas and method references are not supported in kernels");
            case SWITCH_EXPRESSION ->
                    throw new Unsupported(t, "switch expressions are not supported in kernels; use a switch statement");
            case INSTANCE_OF -> throw new Unsupported(t, "objects are not supported in kernels: instanceof");
            default -> throw new Unsupported(t, t.getKind().toString().toLowerCase().replace('_', ' ')
                    + " is not supported in kernels");
        };
    }

    private static Expr.BinaryOp binaryOp(Tree.Kind kind) {
        return switch (kind) {
            case MULTIPLY, MULTIPLY_ASSIGNMENT -> Expr.BinaryOp.MUL;
            case DIVIDE, DIVIDE_ASSIGNMENT -> Expr.BinaryOp.DIV;
            case REMAINDER, REMAINDER_ASSIGNMENT -> Expr.BinaryOp.REM;
            case PLUS, PLUS_ASSIGNMENT -> Expr.BinaryOp.ADD;
            case MINUS, MINUS_ASSIGNMENT -> Expr.BinaryOp.SUB;
            case LEFT_SHIFT, LEFT_SHIFT_ASSIGNMENT -> Expr.BinaryOp.SHL;
            case RIGHT_SHIFT, RIGHT_SHIFT_ASSIGNMENT -> Expr.BinaryOp.SHR;
            case UNSIGNED_RIGHT_SHIFT, UNSIGNED_RIGHT_SHIFT_ASSIGNMENT -> Expr.BinaryOp.USHR;
            case LESS_THAN -> Expr.BinaryOp.LT;
            case GREATER_THAN -> Expr.BinaryOp.GT;
            case LESS_THAN_EQUAL -> Expr.BinaryOp.LE;
            case GREATER_THAN_EQUAL -> Expr.BinaryOp.GE;
            case EQUAL_TO -> Expr.BinaryOp.EQ;
            case NOT_EQUAL_TO -> Expr.BinaryOp.NE;
            case AND, AND_ASSIGNMENT -> Expr.BinaryOp.AND;
            case XOR, XOR_ASSIGNMENT -> Expr.BinaryOp.XOR;
            case OR, OR_ASSIGNMENT -> Expr.BinaryOp.OR;
            case CONDITIONAL_AND -> Expr.BinaryOp.ANDAND;
            case CONDITIONAL_OR -> Expr.BinaryOp.OROR;
            default -> throw new IllegalArgumentException(kind.toString());
        };
    }

    private Expr compoundAssignment(TreePath path) {
        CompoundAssignmentTree a = (CompoundAssignmentTree) path.getLeaf();
        Expr target = assignable(new TreePath(path, a.getVariable()));
        Expr value = expr(new TreePath(path, a.getExpression()));
        Expr.BinaryOp op = binaryOp(a.getKind());
        Ty.Prim type = prim(trees.getTypeMirror(path), a);
        if (type.isIntegral() && value.type() == Ty.Prim.FLOAT) {
            throw new Unsupported(a, "compound assignment of a float to an integer is not supported in kernels;"
                    + " write x = (int) (x + y)");
        }
        boolean rewritten = op == Expr.BinaryOp.USHR || (op == Expr.BinaryOp.REM && type == Ty.Prim.FLOAT);
        if (rewritten && !(isPure(target) && isPure(value))) {
            // printed as target = f(target, value): evaluating the target twice must not change anything
            throw new Unsupported(a, (op == Expr.BinaryOp.USHR ? ">>>=" : "%=")
                    + " needs a target and value without side effects here");
        }
        return new Expr.Assign(target, op, value, type, pos(a));
    }

    /** Whether evaluating {@code e} twice is the same as once: no assignment, step, call or atomic inside. */
    static boolean isPure(Expr e) {
        return switch (e) {
            case Expr.Literal l -> true;
            case Expr.Local l -> true;
            case Expr.Length l -> true;
            case Expr.ContextValue c -> true;
            case Expr.Index i -> isPure(i.index());
            case Expr.Unary u -> isPure(u.operand());
            case Expr.Binary b -> isPure(b.left()) && isPure(b.right());
            case Expr.Conditional c -> isPure(c.condition()) && isPure(c.ifTrue()) && isPure(c.ifFalse());
            case Expr.Cast c -> isPure(c.operand());
            case Expr.Intrinsic i -> i.args().stream().allMatch(ExprReader::isPure);
            case Expr.Step s -> false;
            case Expr.Assign a -> false;
            case Expr.Call c -> false;
            case Expr.Atomic a -> false;
            case Expr.Shuffle s -> false; // every work-item must reach it, once
        };
    }

    private Expr cast(TreePath path) {
        TypeCastTree c = (TypeCastTree) path.getLeaf();
        TreePath operandPath = new TreePath(path, c.getExpression());
        Ty.Prim to = prim(trees.getTypeMirror(path), c);
        TypeMirror from = trees.getTypeMirror(operandPath);
        if (from != null && from.getKind() == TypeKind.DOUBLE) {
            // (float) Math.PI and the like: fold the double constant here, as javac would
            Number value = constants.constant(operandPath);
            if (value == null) {
                expr(operandPath); // reports the double, or what is wrong inside it
                throw new Unsupported(c.getExpression(), Reader.DOUBLE);
            }
            return literal(to, value, pos(c));
        }
        if (from != null && from.getKind() == TypeKind.DECLARED) {
            throw new Unsupported(c, "objects are not supported in kernels: " + from);
        }
        return new Expr.Cast(to, expr(operandPath), pos(c));
    }

    private static Expr.Literal literal(Ty.Prim type, Number value, Pos pos) {
        Object v = switch (type) {
            case FLOAT -> value.floatValue();
            case LONG -> value.longValue();
            case INT -> value.intValue();
            case SHORT -> (int) value.shortValue();
            case BYTE -> (int) value.byteValue();
            default -> throw new IllegalArgumentException(type.toString());
        };
        return new Expr.Literal(type, v, pos);
    }

    private Expr name(TreePath path) {
        Tree t = path.getLeaf();
        Element e = trees.getElement(path);
        if (e == null) {
            throw new Unsupported(t, t + " is not supported in kernels");
        }
        if (e.getKind() == ElementKind.FIELD) {
            return constantField((VariableElement) e, t);
        }
        Expr.Local local = variables.get(e);
        if (local == null) {
            if (isContext(e.asType())) {
                throw new Unsupported(t, "a KernelContext can only be used to read its fields and call its methods");
            }
            throw new Unsupported(t, t + " is not available in the kernel");
        }
        if (local.type() instanceof Ty.Context) {
            throw new Unsupported(t, "a KernelContext can only be used to read its fields and call its methods");
        }
        return new Expr.Local(local.name(), local.type(), pos(t));
    }

    private Expr constantField(VariableElement field, Tree at) {
        Object value = field.getConstantValue();
        String name = field.getEnclosingElement().getSimpleName() + "." + field.getSimpleName();
        if (value instanceof Double) {
            throw new Unsupported(at, Reader.DOUBLE);
        }
        if (value instanceof Character) {
            throw new Unsupported(at, Reader.CHAR);
        }
        if (value instanceof Number n) {
            return literal(prim(field.asType(), at), n, pos(at));
        }
        if (value instanceof Boolean b) {
            return new Expr.Literal(Ty.Prim.BOOLEAN, b, pos(at));
        }
        throw new Unsupported(at, "field access is not supported in kernels: " + name
                + " (only static final primitive constants)");
    }

    private Expr select(TreePath path) {
        MemberSelectTree ms = (MemberSelectTree) path.getLeaf();
        TreePath targetPath = new TreePath(path, ms.getExpression());
        TypeMirror targetType = trees.getTypeMirror(targetPath);
        String member = ms.getIdentifier().toString();
        if (targetType != null && targetType.getKind() == TypeKind.ARRAY && member.equals("length")) {
            Expr.Local array = arrayVariable(targetPath);
            Ty.Array type = (Ty.Array) array.type();
            return type.space() == Ty.Space.LOCAL
                    ? new Expr.Literal(Ty.Prim.INT, type.length(), pos(ms))
                    : new Expr.Length(array, pos(ms));
        }
        if (targetType != null && isContext(targetType)) {
            ContextField field = ContextField.of(member);
            if (field == null) {
                throw new Unsupported(ms, "KernelContext." + member + " is not supported in kernels");
            }
            return new Expr.ContextValue(field, pos(ms));
        }
        Element e = trees.getElement(path);
        if (e != null && e.getKind() == ElementKind.FIELD) {
            return constantField((VariableElement) e, ms);
        }
        throw new Unsupported(ms, "field access is not supported in kernels: " + ms
                + " (only static final primitive constants)");
    }

    Expr.Local arrayVariable(TreePath path) {
        Tree t = path.getLeaf();
        if (t instanceof ParenthesizedTree p) {
            return arrayVariable(new TreePath(path, p.getExpression()));
        }
        if (t.getKind() == Tree.Kind.NEW_ARRAY) {
            throw new Unsupported(t, "objects are not supported in kernels: " + t + " allocates");
        }
        if (t instanceof IdentifierTree) {
            Expr.Local local = variables.get(trees.getElement(path));
            if (local != null && local.type() instanceof Ty.Array) {
                return new Expr.Local(local.name(), local.type(), pos(t));
            }
        }
        throw new Unsupported(t, "only array parameters and local arrays can be used as arrays in kernels: " + t);
    }

    /** The target of an assignment or ++/--: a scalar variable or an array element. */
    private Expr assignable(TreePath path) {
        Tree t = path.getLeaf();
        if (t instanceof ParenthesizedTree p) {
            return assignable(new TreePath(path, p.getExpression()));
        }
        TypeMirror type = trees.getTypeMirror(path);
        if (type.getKind() == TypeKind.ARRAY) {
            throw new Unsupported(t, "arrays cannot be assigned in kernels");
        }
        Expr e = expr(path);
        if (e instanceof Expr.Local || e instanceof Expr.Index) {
            return e;
        }
        throw new Unsupported(t, "only variables and array elements can be assigned in kernels: " + t);
    }

    private Expr call(TreePath path) {
        MethodInvocationTree mi = (MethodInvocationTree) path.getLeaf();
        ExecutableElement m = method(path);
        if (m == null) {
            throw new Unsupported(mi, "cannot resolve " + mi.getMethodSelect()
                    + ": no such method (or an older jar of its class is on the class path)");
        }
        TypeElement owner = (TypeElement) m.getEnclosingElement();
        String ownerName = owner.getQualifiedName().toString();
        String name = m.getSimpleName().toString();
        List<TreePath> args = new ArrayList<>();
        for (ExpressionTree a : mi.getArguments()) {
            args.add(new TreePath(path, a));
        }
        Pos pos = pos(mi);
        if (ownerName.equals(Reader.MATH)) {
            boolean integral = !m.getParameters().isEmpty() && m.getParameters().get(0).asType().getKind() != TypeKind.FLOAT;
            Intrinsic op = Intrinsic.of(name, integral);
            if (op == null) {
                throw new Unsupported(mi, "KernelMath." + name + " has no device translation");
            }
            List<Expr> values = new ArrayList<>();
            for (TreePath a : args) {
                values.add(expr(a));
            }
            return new Expr.Intrinsic(op, values, prim(m.getReturnType(), mi), pos);
        }
        if (ownerName.equals(Reader.CONTEXT)) {
            return contextCall(mi, name, args, pos);
        }
        if (ownerName.equals("java.lang.Math") || ownerName.equals("java.lang.StrictMath")) {
            throw new Unsupported(mi, "calls to java.lang.Math are not supported; use KernelMath");
        }
        // a method whose source is compiled with the kernel class (its own, or another kernel
        // class's shared helper) can be translated; a library's cannot
        if (owner.equals(kernelClass) || trees.getTree(m) != null) {
            return helperCall(mi, m, args, pos);
        }
        throw new Unsupported(mi, "calls to " + ownerName + "." + name + " are not supported in kernels"
                + " (only KernelMath, KernelContext and static methods compiled from source with "
                + kernelClass.getSimpleName() + ")");
    }

    private Expr contextCall(MethodInvocationTree mi, String name, List<TreePath> args, Pos pos) {
        if (name.equals("shuffle")) {
            Expr value = expr(args.get(0));
            if (value.type() != Ty.Prim.FLOAT) {
                value = new Expr.Cast(Ty.Prim.FLOAT, value, value.pos()); // as Java converts the argument
            }
            return new Expr.Shuffle(value, expr(args.get(1)), pos);
        }
        Expr.AtomicOp op = switch (name) {
            case "atomicAdd" -> Expr.AtomicOp.ADD;
            case "atomicMax" -> Expr.AtomicOp.MAX;
            case "atomicMin" -> Expr.AtomicOp.MIN;
            case "atomicCompareAndSwap" -> Expr.AtomicOp.COMPARE_AND_SWAP;
            case "allocateFloatLocalArray", "allocateIntLocalArray" -> throw new Unsupported(mi, name
                    + " must initialise an array variable: float[] s = ctx." + name + "(256)");
            case "localBarrier", "copyToLocalAsync", "commitCopies", "awaitCopies" ->
                    throw new Unsupported(mi, name + "() must be a statement of its own");
            default -> throw new Unsupported(mi, "KernelContext." + name + " is not supported in kernels");
        };
        Expr.Local array = arrayVariable(args.get(0));
        Expr index = expr(args.get(1));
        List<Expr> operands = new ArrayList<>();
        for (TreePath a : args.subList(2, args.size())) {
            operands.add(expr(a));
        }
        return new Expr.Atomic(op, array, index, operands, pos);
    }

    private Expr helperCall(MethodInvocationTree mi, ExecutableElement m, List<TreePath> args, Pos pos) {
        String name = m.getSimpleName().toString();
        if (!m.getModifiers().contains(Modifier.STATIC)) {
            throw new Unsupported(mi, "instance methods are not supported in kernels: make " + name + " static");
        }
        if (m.getAnnotationMirrors().stream().anyMatch(a -> a.getAnnotationType().toString().equals(Reader.KERNEL))) {
            throw new Unsupported(mi, "a kernel cannot call another kernel (" + name
                    + "); move the shared code into a helper method");
        }
        List<Expr> values = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            TypeMirror p = m.getParameters().get(i).asType();
            if (isContext(p)) {
                continue; // the context is implicit on devices
            }
            values.add(p.getKind() == TypeKind.ARRAY ? arrayVariable(args.get(i)) : expr(args.get(i)));
        }
        Ty.Prim returnType = prim(m.getReturnType(), mi);
        if (seenHelpers.add(m)) {
            pendingHelpers.add(m);
        }
        return new Expr.Call(helperName(m), values, returnType, pos);
    }

    /**
     * A helper's name in the program: its own for the kernel class's methods, prefixed with its
     * class's name for another class's, so that two classes' helpers of one name stay apart.
     */
    String helperName(ExecutableElement m) {
        String name = m.getSimpleName().toString();
        Element owner = m.getEnclosingElement();
        return owner.equals(kernelClass) ? name : owner.getSimpleName() + "_" + name;
    }

    Ty.Prim prim(TypeMirror t, Tree at) {
        return switch (t.getKind()) {
            case VOID -> Ty.Prim.VOID;
            case BOOLEAN -> Ty.Prim.BOOLEAN;
            case BYTE -> Ty.Prim.BYTE;
            case SHORT -> Ty.Prim.SHORT;
            case INT -> Ty.Prim.INT;
            case LONG -> Ty.Prim.LONG;
            case FLOAT -> Ty.Prim.FLOAT;
            case DOUBLE -> throw new Unsupported(at, Reader.DOUBLE);
            case CHAR -> throw new Unsupported(at, Reader.CHAR);
            case ARRAY -> throw new Unsupported(at, "arrays are only supported as parameters and local arrays in kernels");
            case DECLARED -> throw new Unsupported(at, "objects are not supported in kernels: " + t);
            default -> throw new Unsupported(at, "the type " + t + " is not supported in kernels");
        };
    }

    Ty.Prim arrayElement(ArrayType t, Tree at) {
        TypeMirror c = t.getComponentType();
        return switch (c.getKind()) {
            case ARRAY -> throw new Unsupported(at, "arrays of arrays are not supported in kernels; use a flat array");
            case BOOLEAN -> throw new Unsupported(at, "boolean arrays are not supported in kernels; use byte");
            default -> prim(c, at);
        };
    }

    static boolean isContext(TypeMirror t) {
        return t.getKind() == TypeKind.DECLARED
                && ((TypeElement) ((DeclaredType) t).asElement()).getQualifiedName().contentEquals(Reader.CONTEXT);
    }

    boolean isContextCall(TreePath path, String method) {
        return path.getLeaf() instanceof MethodInvocationTree
                && method(path) instanceof ExecutableElement m
                && m.getSimpleName().contentEquals(method)
                && ((TypeElement) m.getEnclosingElement()).getQualifiedName().contentEquals(Reader.CONTEXT);
    }

    /** The method an invocation calls; null where javac could not resolve it (javac reports that itself). */
    private ExecutableElement method(TreePath invocation) {
        Element e = trees.getElement(invocation);
        if (e == null) {
            MethodInvocationTree mi = (MethodInvocationTree) invocation.getLeaf();
            e = trees.getElement(new TreePath(invocation, mi.getMethodSelect()));
        }
        return e instanceof ExecutableElement m ? m : null;
    }

    Pos pos(Tree t) {
        return new Pos(t, reporter.kernelLine(t));
    }
}
