package sparse.tasks.translate;

import com.sun.source.tree.Tree;

/** Where an IR node came from: the javac tree (for error positions) and its Java line. */
record Pos(Tree tree, int line) {
}
