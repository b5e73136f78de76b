package sparse.tasks.translate;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Reports translation errors through javac, at the offending tree, so javac prints
 * File.java:LINE: in the kernel class's file, or in another class's while one of its helpers is
 * read ({@link #enter}).
 */
final class Reporter {
    private final Trees trees;
    private final Messager messager;
    private final CompilationUnitTree kernelUnit;
    private CompilationUnitTree unit;
    private boolean failed;

    Reporter(Trees trees, Messager messager, CompilationUnitTree unit) {
        this.trees = trees;
        this.messager = messager;
        this.kernelUnit = unit;
        this.unit = unit;
    }

    /** The file of the function read next. */
    void enter(CompilationUnitTree unit) {
        this.unit = unit;
    }

    /**
     * The line of {@code t} in the kernel class's file, for the program's line map; 0 for a
     * tree of another file (a shared helper's), whose lines would point into the wrong file.
     */
    int kernelLine(Tree t) {
        long start = trees.getSourcePositions().getStartPosition(unit, t);
        return start < 0 || unit != kernelUnit ? 0 : (int) unit.getLineMap().getLineNumber(start);
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
}
