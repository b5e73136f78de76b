package sparse.tasks.translate;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/** Evaluates the compile-time constants the reader needs: local array lengths, case labels, bounds, folded casts. */
final class ConstantFolder {
    private final Trees trees;

    ConstantFolder(Trees trees) {
        this.trees = trees;
    }

    /**
     * The value of a compile-time constant expression, or null: literals, constant fields,
     * parentheses, unary minus, + - * / and casts, computed with Java's rules for the javac type.
     */
    Number constant(TreePath path) {
        Tree t = path.getLeaf();
        TypeMirror type = trees.getTypeMirror(path);
        Number value = switch (t.getKind()) {
            case INT_LITERAL, LONG_LITERAL, FLOAT_LITERAL, DOUBLE_LITERAL -> (Number) ((LiteralTree) t).getValue();
            case IDENTIFIER, MEMBER_SELECT -> trees.getElement(path) instanceof VariableElement v
                    && v.getConstantValue() instanceof Number n ? n : null;
            case PARENTHESIZED -> constant(new TreePath(path, ((ParenthesizedTree) t).getExpression()));
            case TYPE_CAST -> constant(new TreePath(path, ((TypeCastTree) t).getExpression()));
            case UNARY_MINUS -> {
                Number n = constant(new TreePath(path, ((UnaryTree) t).getExpression()));
                yield n == null ? null : n instanceof Double || n instanceof Float ? (Number) (-n.doubleValue()) : (Number) (-n.longValue());
            }
            case PLUS, MINUS, MULTIPLY, DIVIDE -> {
                BinaryTree b = (BinaryTree) t;
                Number l = constant(new TreePath(path, b.getLeftOperand()));
                Number r = constant(new TreePath(path, b.getRightOperand()));
                if (l == null || r == null) {
                    yield null;
                }
                yield arithmetic(t.getKind(), type.getKind(), l, r);
            }
            default -> null;
        };
        return value == null || type == null ? value : convert(value, type.getKind());
    }

    private static Number arithmetic(Tree.Kind op, TypeKind type, Number l, Number r) {
        if (type == TypeKind.DOUBLE || type == TypeKind.FLOAT) {
            double a = convert(l, type).doubleValue();
            double b = convert(r, type).doubleValue();
            double v = switch (op) {
                case PLUS -> a + b;
                case MINUS -> a - b;
                case MULTIPLY -> a * b;
                default -> a / b;
            };
            return type == TypeKind.FLOAT ? (Number) (float) v : (Number) v;
        }
        long a = l.longValue();
        long b = r.longValue();
        if (op == Tree.Kind.DIVIDE && b == 0) {
            return null;
        }
        long v = switch (op) {
            case PLUS -> a + b;
            case MINUS -> a - b;
            case MULTIPLY -> a * b;
            default -> type == TypeKind.INT ? (int) a / (int) b : a / b;
        };
        return v;
    }

    private static Number convert(Number n, TypeKind to) {
        return switch (to) {
            case INT -> n instanceof Double || n instanceof Float ? (Number) (int) n.doubleValue() : (Number) (int) n.longValue();
            case LONG -> n instanceof Double || n instanceof Float ? (Number) (long) n.doubleValue() : (Number) n.longValue();
            case SHORT -> (int) (short) convert(n, TypeKind.INT).intValue();
            case BYTE -> (int) (byte) convert(n, TypeKind.INT).intValue();
            case FLOAT -> n instanceof Double || n instanceof Float ? (Number) (float) n.doubleValue() : (Number) (float) n.longValue();
            case DOUBLE -> n instanceof Double || n instanceof Float ? (Number) n.doubleValue() : (Number) (double) n.longValue();
            default -> n;
        };
    }
}
