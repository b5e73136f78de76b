package sparse.tasks.translate;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/** Reports translation errors through javac, at the offending tree, so javac prints File.java:LINE. */
final class Reporter {
    private final Trees trees;
    private final Messager messager;
    private final CompilationUnitTree unit;
    private boolean failed;

    Reporter(Trees trees, Messager messager, CompilationUnitTree unit) {
        this.trees = trees;
        this.messager = messager;
        this.unit = unit;
    }

    void error(Tree at, String message) {
        failed = true;
        trees.printMessage(Diagnostic.Kind.ERROR, message, at, unit);
    }

    void error(Element at, String message) {
        failed = true;
        messager.printMessage(Diagnostic.Kind.ERROR, message, at);
    }

    void error(Pos at, String message) {
        error(at.tree(), message);
    }

    boolean failed() {
        return failed;
    }

    CompilationUnitTree unit() {
        return unit;
    }
}
