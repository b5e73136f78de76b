package sparse.tasks.translate;

import com.sun.source.tree.Tree;

/** Thrown by the reader at a construct outside the kernel subset; reported once per statement. */
final class Unsupported extends RuntimeException {
    final transient Tree tree;

    Unsupported(Tree tree, String message) {
        super(message, null, false, false);
        this.tree = tree;
    }
}
