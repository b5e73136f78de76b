package sparse.tasks.translate;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConstantCaseLabelTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import sparse.tasks.lang.KernelSpec;

/**
 * Stage 1: reads a kernel class's {@code @Kernel} methods, and the helpers they call, from javac
 * trees into the kernel IR: methods, parameters and statements here, expressions in
 * {@link ExprReader}. A construct outside the subset is reported at its tree, once per
 * statement, and reading goes on with the next statement.
 */
final class Reader {
    static final String KERNEL = "sparse.tasks.lang.Kernel";
    static final String PARALLEL = "sparse.tasks.lang.Parallel";
    static final String CONTEXT = "sparse.tasks.lang.KernelContext";
    static final String MATH = "sparse.tasks.lang.KernelMath";

    static final String DOUBLE = "double is not supported on devices; use float";
    static final String CHAR = "char is not supported in kernels; use int or short";

    private final Trees trees;
    private final Reporter reporter;
    private final TypeElement kernelClass;
    private final ConstantFolder constants;
    private final ExprReader exprs;
    private int parallelDepth;

    Reader(Trees trees, Reporter reporter, TypeElement kernelClass) {
        this.trees = trees;
        this.reporter = reporter;
        this.kernelClass = kernelClass;
        this.constants = new ConstantFolder(trees);
        this.exprs = new ExprReader(trees, reporter, kernelClass, constants);
    }

    /** The kernels, in the order given, then every helper they reach. */
    List<Program.Function> read(List<ExecutableElement> kernels) {
        List<Program.Function> out = new ArrayList<>();
        for (ExecutableElement k : kernels) {
            Program.Function f = function(k, true);
            if (f != null) {
                out.add(f);
            }
        }
        for (ExecutableElement h = exprs.nextHelper(); h != null; h = exprs.nextHelper()) {
            Program.Function f = function(h, false);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    // ---- methods

    private Program.Function function(ExecutableElement method, boolean kernel) {
        String what = kernel ? "kernels" : "helper methods";
        if (!method.getModifiers().contains(Modifier.STATIC)) {
            reporter.error(method, "instance methods are not supported in kernels: make "
                    + method.getSimpleName() + " static");
            return null;
        }
        if (kernel && method.getModifiers().contains(Modifier.PRIVATE)) {
            reporter.error(method, "kernels must not be private: the generated "
                    + KernelSpec.holderClassName(kernelClass.getSimpleName().toString()) + " calls them");
            return null;
        }
        if (!method.getTypeParameters().isEmpty()) {
            reporter.error(method, "generic methods are not supported in " + what);
            return null;
        }
        for (Element other : method.getEnclosingElement().getEnclosedElements()) {
            if (other != method && other.getKind() == ElementKind.METHOD
                    && other.getSimpleName().equals(method.getSimpleName())) {
                reporter.error(method, "overloaded " + what + " are not supported: rename one of the "
                        + method.getSimpleName() + " methods");
                return null;
            }
        }
        if (!CNames.isValid(method.getSimpleName().toString())) {
            reporter.error(method, "the name " + method.getSimpleName() + " is not a valid C identifier");
            return null;
        }
        MethodTree tree = trees.getTree(method);
        TreePath path = trees.getPath(method);
        if (tree == null || path == null || tree.getBody() == null) {
            reporter.error(method, "the translator needs the source of " + method.getSimpleName());
            return null;
        }
        reporter.enter(path.getCompilationUnit());
        KernelProcessor.attribute(trees, method);
        parallelDepth = 0;
        Pos pos = pos(tree);

        Ty.Prim returnType;
        try {
            returnType = exprs.prim(method.getReturnType(), tree.getReturnType());
        } catch (Unsupported u) {
            reporter.error(u.tree, u.getMessage());
            return null;
        }
        if (kernel && returnType != Ty.Prim.VOID) {
            reporter.error(tree.getReturnType(), "kernels must return void");
            return null;
        }

        List<Program.Param> params = params(method, tree, kernel);
        if (params == null) {
            return null;
        }
        KernelSpec.Style style = null;
        if (kernel) {
            boolean context = !method.getParameters().isEmpty() && ExprReader.isContext(method.getParameters().get(0).asType());
            style = context ? KernelSpec.Style.CONTEXT : KernelSpec.Style.PARALLEL;
        }
        Stmt.Block body = block(new TreePath(path, tree.getBody()));
        return new Program.Function(kernel ? method.getSimpleName().toString() : exprs.helperName(method), style,
                returnType, params, body,
                false, false, List.of(), List.of(), pos);
    }

    private List<Program.Param> params(ExecutableElement method, MethodTree tree, boolean kernel) {
        List<? extends VariableElement> elements = method.getParameters();
        List<String> lengthNames = new ArrayList<>();
        for (VariableElement p : elements) {
            if (p.asType().getKind() == TypeKind.ARRAY) {
                lengthNames.add(CNames.of(p.getSimpleName().toString()) + "_length");
            }
        }
        exprs.startFunction(lengthNames);
        List<Program.Param> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < elements.size(); i++) {
            VariableElement p = elements.get(i);
            Tree at = tree.getParameters().get(i);
            TypeMirror t = p.asType();
            try {
                Ty type;
                if (ExprReader.isContext(t)) {
                    if (kernel && i != 0) {
                        throw new Unsupported(at, "a KernelContext must be a kernel's first parameter");
                    }
                    type = new Ty.Context();
                } else if (t.getKind() == TypeKind.ARRAY) {
                    type = new Ty.Array(exprs.arrayElement((ArrayType) t, at), Ty.Space.GLOBAL, -1);
                } else {
                    Ty.Prim prim = exprs.prim(t, at);
                    if (kernel && prim == Ty.Prim.BOOLEAN) {
                        throw new Unsupported(at, "boolean kernel parameters are not supported; use int");
                    }
                    type = prim;
                }
                out.add(new Program.Param(p.getSimpleName().toString(), exprs.declare(p, at, type)));
            } catch (Unsupported u) {
                reporter.error(u.tree, u.getMessage());
                ok = false;
            }
        }
        return ok ? out : null;
    }

    // ---- statements

    private Stmt.Block block(TreePath path) {
        BlockTree b = (BlockTree) path.getLeaf();
        List<Stmt> body = new ArrayList<>();
        for (StatementTree s : b.getStatements()) {
            if (s.getKind() != Tree.Kind.EMPTY_STATEMENT) {
                body.add(statement(new TreePath(path, s)));
            }
        }
        return new Stmt.Block(body, pos(b));
    }

    private Stmt statement(TreePath path) {
        try {
            return statementOrThrow(path);
        } catch (Unsupported u) {
            reporter.error(u.tree, u.getMessage());
            return new Stmt.Block(List.of(), pos(path.getLeaf()));
        }
    }

    private Stmt statementOrThrow(TreePath path) {
        Tree t = path.getLeaf();
        Pos pos = pos(t);
        return switch (t.getKind()) {
            case BLOCK -> block(path);
            case VARIABLE -> declaration(path);
            case EXPRESSION_STATEMENT ->
                    expressionStatement(new TreePath(path, ((ExpressionStatementTree) t).getExpression()), pos);
            case IF -> {
                IfTree i = (IfTree) t;
                Expr condition = exprs.expr(new TreePath(path, i.getCondition()));
                Stmt then = statement(new TreePath(path, i.getThenStatement()));
                Stmt otherwise = i.getElseStatement() == null ? null : statement(new TreePath(path, i.getElseStatement()));
                yield new Stmt.If(condition, then, otherwise, pos);
            }
            case FOR_LOOP -> forLoop(path);
            case WHILE_LOOP -> {
                WhileLoopTree w = (WhileLoopTree) t;
                Expr condition = exprs.expr(new TreePath(path, w.getCondition()));
                yield new Stmt.While(condition, statement(new TreePath(path, w.getStatement())), pos);
            }
            case DO_WHILE_LOOP -> {
                DoWhileLoopTree d = (DoWhileLoopTree) t;
                Stmt body = statement(new TreePath(path, d.getStatement()));
                yield new Stmt.DoWhile(body, exprs.expr(new TreePath(path, d.getCondition())), pos);
            }
            case BREAK -> {
                if (((BreakTree) t).getLabel() != null) {
                    throw new Unsupported(t, "labeled break is not supported in kernels");
                }
                yield new Stmt.Break(pos);
            }
            case CONTINUE -> {
                if (((ContinueTree) t).getLabel() != null) {
                    throw new Unsupported(t, "labeled continue is not supported in kernels");
                }
                yield new Stmt.Continue(pos);
            }
            case RETURN -> {
                ExpressionTree value = ((ReturnTree) t).getExpression();
                yield new Stmt.Return(value == null ? null : exprs.expr(new TreePath(path, value)), pos);
            }
            case SWITCH -> switchStatement(path);
            case ENHANCED_FOR_LOOP -> throw new Unsupported(t, "for-each loops are not supported in kernels; use an index loop");
            case TRY -> throw new Unsupported(t, "try/catch is not supported in kernels");
            case THROW -> throw new Unsupported(t, "throw is not supported in kernels");
            case SYNCHRONIZED -> throw new Unsupported(t, "synchronized is not supported in kernels; use KernelContext atomics");
            case ASSERT -> throw new Unsupported(t, "assert is not supported in kernels");
            case LABELED_STATEMENT -> throw new Unsupported(t, "labels are not supported in kernels");
            case CLASS, RECORD, INTERFACE, ENUM -> throw new Unsupported(t, "local classes are not supported in kernels");
            default -> throw new Unsupported(t, t.getKind().toString().toLowerCase().replace('_', ' ')
                    + " statements are not supported in kernels");
        };
    }

    /** An expression as a statement: one of the KernelContext methods that are statements, or an evaluation. */
    private Stmt expressionStatement(TreePath path, Pos pos) {
        if (exprs.isContextCall(path, "localBarrier")) {
            return new Stmt.Barrier(pos);
        }
        if (exprs.isContextCall(path, "commitCopies")) {
            return new Stmt.CommitCopies(pos);
        }
        if (exprs.isContextCall(path, "awaitCopies")) {
            return new Stmt.AwaitCopies(batches(argument(path, 0)), pos);
        }
        if (exprs.isContextCall(path, "copyToLocalAsync")) {
            return new Stmt.CopyToLocalAsync(exprs.arrayVariable(argument(path, 0)), copyIndex(argument(path, 1)),
                    exprs.arrayVariable(argument(path, 2)), copyIndex(argument(path, 3)), pos);
        }
        return new Stmt.Eval(exprs.expr(path), pos);
    }

    private static TreePath argument(TreePath call, int i) {
        return new TreePath(call, ((MethodInvocationTree) call.getLeaf()).getArguments().get(i));
    }

    /** An index of copyToLocalAsync: where it is a constant, it must be a multiple of 4 (the copy is 16 bytes). */
    private Expr copyIndex(TreePath path) {
        if (constants.constant(path) instanceof Integer n && (n & 3) != 0) {
            throw new Unsupported(path.getLeaf(), "copyToLocalAsync copies 16 bytes, so its indices must be multiples"
                    + " of 4; " + n + " is not");
        }
        return exprs.expr(path);
    }

    /** The argument of awaitCopies: the PTX instruction takes the count as a constant. */
    private int batches(TreePath path) {
        if (!(constants.constant(path) instanceof Integer n) || n < 0 || n > 7) {
            throw new Unsupported(path.getLeaf(), "awaitCopies needs an int constant from 0 to 7 (a literal or a"
                    + " static final int): the batches that may still be copying");
        }
        return n;
    }

    private Stmt declaration(TreePath path) {
        VariableTree v = (VariableTree) path.getLeaf();
        Element e = trees.getElement(path);
        TypeMirror t = e.asType();
        if (hasParallel(path, v)) {
            throw new Unsupported(v, "@Parallel marks the index of a for loop: for (@Parallel int i = 0; i < n; i++)");
        }
        if (ExprReader.isContext(t)) {
            throw new Unsupported(v, "a KernelContext cannot be stored in a variable");
        }
        if (t.getKind() == TypeKind.ARRAY) {
            return localArray(path, v, e, (ArrayType) t);
        }
        // the initialiser first: what it holds (a lambda, a string) says more than the declared type
        Expr init = v.getInitializer() == null ? null : exprs.expr(new TreePath(path, v.getInitializer()));
        Ty.Prim type = exprs.prim(t, v);
        return new Stmt.Declare(exprs.declare(e, v, type), init, pos(v));
    }

    /** {@code float[] s = ctx.allocateFloatLocalArray(N)} with N a compile-time constant. */
    private Stmt localArray(TreePath path, VariableTree v, Element e, ArrayType t) {
        String usage = "array variables are only supported as local arrays: float[] s = ctx.allocateFloatLocalArray(256)";
        if (v.getInitializer() == null) {
            throw new Unsupported(v, usage);
        }
        TreePath init = new TreePath(path, v.getInitializer());
        if (v.getInitializer().getKind() == Tree.Kind.NEW_ARRAY) {
            throw new Unsupported(v.getInitializer(), "objects are not supported in kernels: "
                    + v.getInitializer() + " allocates; use a parameter or a local array");
        }
        if (!exprs.isContextCall(init, "allocateFloatLocalArray") && !exprs.isContextCall(init, "allocateIntLocalArray")) {
            throw new Unsupported(v.getInitializer(), usage);
        }
        ExpressionTree lengthTree = ((MethodInvocationTree) v.getInitializer()).getArguments().get(0);
        Number length = constants.constant(new TreePath(init, lengthTree));
        if (!(length instanceof Integer n) || n <= 0) {
            throw new Unsupported(lengthTree, "the length of a local array must be a positive compile-time constant"
                    + " (a literal or a static final int)");
        }
        Ty.Prim element = exprs.arrayElement(t, v);
        return new Stmt.LocalArray(exprs.declare(e, v, new Ty.Array(element, Ty.Space.LOCAL, n)), pos(v));
    }

    private Stmt forLoop(TreePath path) {
        ForLoopTree f = (ForLoopTree) path.getLeaf();
        if (f.getInitializer().size() == 1 && f.getInitializer().get(0) instanceof VariableTree v
                && hasParallel(new TreePath(path, v), v)) {
            return parallelFor(path, f, v);
        }
        List<Stmt> init = new ArrayList<>();
        for (StatementTree s : f.getInitializer()) {
            TreePath sp = new TreePath(path, s);
            // an expression here is only evaluated: ctx.localBarrier() and the like are refused, not printed
            init.add(s instanceof ExpressionStatementTree e
                    ? new Stmt.Eval(exprs.expr(new TreePath(sp, e.getExpression())), pos(s)) : statementOrThrow(sp));
        }
        Expr condition = f.getCondition() == null ? null : exprs.expr(new TreePath(path, f.getCondition()));
        List<Expr> update = new ArrayList<>();
        for (ExpressionStatementTree u : f.getUpdate()) {
            update.add(exprs.expr(new TreePath(new TreePath(path, u), u.getExpression())));
        }
        Stmt body = statement(new TreePath(path, f.getStatement()));
        return new Stmt.For(init, condition, update, body, pos(f));
    }

    private Stmt parallelFor(TreePath path, ForLoopTree f, VariableTree v) {
        String form = "a @Parallel loop must have the form for (@Parallel int i = start; i < end; i++)";
        TreePath varPath = new TreePath(path, v);
        Element e = trees.getElement(varPath);
        if (e.asType().getKind() != TypeKind.INT) {
            throw new Unsupported(v, "the index of a @Parallel loop must be an int");
        }
        if (v.getInitializer() == null) {
            throw new Unsupported(v, form);
        }
        Expr start = exprs.expr(new TreePath(varPath, v.getInitializer()));
        Expr.Local index = exprs.declare(e, v, Ty.Prim.INT);
        if (!(f.getCondition() instanceof BinaryTree c) || c.getKind() != Tree.Kind.LESS_THAN
                || !isVariable(c.getLeftOperand(), v)) {
            throw new Unsupported(f.getCondition() == null ? f : f.getCondition(), form);
        }
        if (f.getUpdate().size() != 1 || !isIncrement(f.getUpdate().get(0).getExpression(), v)) {
            throw new Unsupported(f.getUpdate().isEmpty() ? f : f.getUpdate().get(0), form);
        }
        TreePath condPath = new TreePath(path, c);
        TreePath endPath = new TreePath(condPath, c.getRightOperand());
        Expr end = exprs.expr(endPath);
        int dimension = parallelDepth++;
        Stmt body = statement(new TreePath(path, f.getStatement()));
        parallelDepth--;
        return new Stmt.ParallelFor(index, dimension, start, end, boundText(endPath), body, pos(f));
    }

    private static boolean isVariable(Tree t, VariableTree v) {
        return t instanceof IdentifierTree id && id.getName().equals(v.getName());
    }

    private static boolean isIncrement(ExpressionTree e, VariableTree v) {
        return switch (e.getKind()) {
            case POSTFIX_INCREMENT, PREFIX_INCREMENT -> isVariable(((UnaryTree) e).getExpression(), v);
            case PLUS_ASSIGNMENT -> isVariable(((CompoundAssignmentTree) e).getVariable(), v)
                    && ((CompoundAssignmentTree) e).getExpression() instanceof LiteralTree l && Integer.valueOf(1).equals(l.getValue());
            default -> false;
        };
    }

    /** The bound as KernelSpec.parallelBounds records it: a scalar parameter, a.length, an int constant, or null. */
    private String boundText(TreePath path) {
        Tree t = path.getLeaf();
        if (t instanceof ParenthesizedTree p) {
            return boundText(new TreePath(path, p.getExpression()));
        }
        Number constant = constants.constant(path);
        if (constant instanceof Integer n) {
            return n.toString();
        }
        if (t instanceof IdentifierTree && trees.getElement(path) instanceof VariableElement ve
                && ve.getKind() == ElementKind.PARAMETER) {
            return ve.getSimpleName().toString();
        }
        if (t instanceof MemberSelectTree ms && ms.getIdentifier().contentEquals("length")
                && ms.getExpression() instanceof IdentifierTree array
                && trees.getElement(new TreePath(path, array)) instanceof VariableElement ve
                && ve.getKind() == ElementKind.PARAMETER) {
            return array.getName() + ".length";
        }
        return null;
    }

    private Stmt switchStatement(TreePath path) {
        SwitchTree s = (SwitchTree) path.getLeaf();
        TreePath selectorPath = new TreePath(path, s.getExpression());
        TypeKind kind = trees.getTypeMirror(selectorPath).getKind();
        if (kind != TypeKind.INT && kind != TypeKind.SHORT && kind != TypeKind.BYTE) {
            throw new Unsupported(s.getExpression(), "switch on " + trees.getTypeMirror(selectorPath)
                    + " is not supported in kernels (only on int, short and byte)");
        }
        Expr selector = exprs.expr(selectorPath);
        List<Stmt.Case> cases = new ArrayList<>();
        for (CaseTree c : s.getCases()) {
            TreePath casePath = new TreePath(path, c);
            List<Integer> labels = new ArrayList<>();
            for (Tree label : c.getLabels()) {
                switch (label.getKind()) {
                    case DEFAULT_CASE_LABEL -> { }
                    case CONSTANT_CASE_LABEL -> {
                        ExpressionTree value = ((ConstantCaseLabelTree) label).getConstantExpression();
                        Number n = constants.constant(new TreePath(new TreePath(casePath, label), value));
                        if (n == null) {
                            throw new Unsupported(value, "case labels must be int constants");
                        }
                        labels.add(n.intValue());
                    }
                    default -> throw new Unsupported(label, "pattern matching is not supported in kernels");
                }
            }
            if (c.getGuard() != null) {
                throw new Unsupported(c.getGuard(), "pattern matching is not supported in kernels");
            }
            List<Stmt> body = new ArrayList<>();
            if (c.getCaseKind() == CaseTree.CaseKind.RULE) {
                // case X -> body: no fall-through, so the body ends with a break
                Tree b = c.getBody();
                if (b instanceof ExpressionTree e) {
                    body.add(expressionStatement(new TreePath(casePath, e), pos(e)));
                } else if (b instanceof BlockTree) {
                    body.addAll(block(new TreePath(casePath, b)).body());
                } else {
                    body.add(statement(new TreePath(casePath, b)));
                }
                body.add(new Stmt.Break(pos(c)));
            } else {
                for (StatementTree st : c.getStatements()) {
                    body.add(statement(new TreePath(casePath, st)));
                }
            }
            cases.add(new Stmt.Case(labels, body, pos(c)));
        }
        return new Stmt.Switch(selector, cases, pos(s));
    }

    private boolean hasParallel(TreePath varPath, VariableTree v) {
        for (AnnotationTree a : v.getModifiers().getAnnotations()) {
            TypeMirror t = trees.getTypeMirror(new TreePath(new TreePath(varPath, a), a.getAnnotationType()));
            if (t != null && t.toString().equals(PARALLEL)) {
                return true;
            }
        }
        return false;
    }

    private Pos pos(Tree t) {
        return new Pos(t, reporter.kernelLine(t));
    }
}
