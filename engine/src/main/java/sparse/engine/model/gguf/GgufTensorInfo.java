package sparse.engine.model.gguf;

import java.util.Arrays;

/**
 * A tensor as the file describes it.
 *
 * @param name       e.g. {@code blk.0.attn_q.weight}
 * @param type       element type
 * @param shape      dimensions, fastest-varying first (ggml's ne[0], ne[1], ...): a matrix of
 *                   {@code shape[1]} rows of {@code shape[0]} elements
 * @param dataOffset absolute byte offset of its data in the file
 * @param byteSize   bytes of data; -1 for a type this reader does not support
 * @param infoOffset byte offset of its description in the file (for error messages)
 */
public record GgufTensorInfo(String name, GgmlType type, long[] shape, long dataOffset, long byteSize,
                             long infoOffset) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The shape as ggml prints it, e.g. {@code [64, 512]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }
}
