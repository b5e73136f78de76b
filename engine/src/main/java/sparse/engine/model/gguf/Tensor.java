package sparse.engine.model.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A tensor's data, read in place from the mapped file, seen as {@link #rows()} rows of
 * {@link #columns()} elements (ggml's ne[0] is the row length). One subclass per element
 * type, each decoding its own layout in {@link #get} and {@link #dot}.
 */
public abstract sealed class Tensor permits Tensor.F32, Tensor.F16, Tensor.BF16, Tensor.Q8_0 {

    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GgufTensorInfo info;
    final MemorySegment data;
    final int columns;
    final long rows;

    Tensor(GgufTensorInfo info, MemorySegment data) {
        this.info = info;
        this.data = data;
        this.columns = (int) info.shape()[0];
        this.rows = info.elementCount() / info.shape()[0];
    }

    static Tensor of(GgufTensorInfo info, MemorySegment data) {
        if (info.shape()[0] > Integer.MAX_VALUE - 8) {
            throw new GgufFormatException("tensor " + GgufFormatException.quote(info.name()) + " rows of " + info.shape()[0]
                    + " elements are too long", info.infoOffset());
        }
        return switch (info.type()) {
            case F32 -> new F32(info, data);
            case F16 -> new F16(info, data);
            case BF16 -> new BF16(info, data);
            case Q8_0 -> new Q8_0(info, data);
            default -> throw new IllegalArgumentException("unsupported type " + info.type());
        };
    }

    public GgufTensorInfo info() {
        return info;
    }

    /** Elements per row (ggml's ne[0]). */
    public int columns() {
        return columns;
    }

    /** Rows: the product of the other dimensions. */
    public long rows() {
        return rows;
    }

    /** The element at flat index {@code i} (row-major: {@code row * columns + column}). */
    public abstract float get(long i);

    /** Dot product of row {@code row} with {@code x[0 .. columns)}, accumulated in float. */
    public abstract float dot(long row, float[] x);

    /** Copies row {@code row} into {@code dst[offset .. offset + columns)}. */
    public void copyRow(long row, float[] dst, int offset) {
        long base = row * columns;
        for (int i = 0; i < columns; i++) {
            dst[offset + i] = get(base + i);
        }
    }

    /** Every element as a float array (for small tensors such as norm weights). */
    public float[] toFloatArray() {
        long n = info.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor " + GgufFormatException.quote(info.name()) + " has too many elements for one array");
        }
        float[] out = new float[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = get(i);
        }
        return out;
    }

    static final class F32 extends Tensor {
        F32(GgufTensorInfo info, MemorySegment data) {
            super(info, data);
        }

        @Override
        public float get(long i) {
            return data.get(FLOAT, i * 4);
        }

        @Override
        public float dot(long row, float[] x) {
            long base = row * columns * 4;
            float sum = 0;
            for (int i = 0; i < columns; i++) {
                sum += data.get(FLOAT, base + i * 4L) * x[i];
            }
            return sum;
        }
    }

    static final class F16 extends Tensor {
        F16(GgufTensorInfo info, MemorySegment data) {
            super(info, data);
        }

        @Override
        public float get(long i) {
            return Float.float16ToFloat(data.get(SHORT, i * 2));
        }

        @Override
        public float dot(long row, float[] x) {
            long base = row * columns * 2;
            float sum = 0;
            for (int i = 0; i < columns; i++) {
                sum += Float.float16ToFloat(data.get(SHORT, base + i * 2L)) * x[i];
            }
            return sum;
        }
    }

    /** bfloat16: the upper 16 bits of a float32. */
    static final class BF16 extends Tensor {
        BF16(GgufTensorInfo info, MemorySegment data) {
            super(info, data);
        }

        private static float toFloat(short bits) {
            return Float.intBitsToFloat(bits << 16);
        }

        @Override
        public float get(long i) {
            return toFloat(data.get(SHORT, i * 2));
        }

        @Override
        public float dot(long row, float[] x) {
            long base = row * columns * 2;
            float sum = 0;
            for (int i = 0; i < columns; i++) {
                sum += toFloat(data.get(SHORT, base + i * 2L)) * x[i];
            }
            return sum;
        }
    }

    /** Blocks of 32 elements: an fp16 scale, then 32 signed bytes; element = scale * byte. */
    static final class Q8_0 extends Tensor {
        private static final int BLOCK = 32;
        private static final int BLOCK_BYTES = 2 + BLOCK;

        Q8_0(GgufTensorInfo info, MemorySegment data) {
            super(info, data);
        }

        @Override
        public float get(long i) {
            long block = (i / BLOCK) * BLOCK_BYTES;
            float scale = Float.float16ToFloat(data.get(SHORT, block));
            return scale * data.get(ValueLayout.JAVA_BYTE, block + 2 + i % BLOCK);
        }

        @Override
        public float dot(long row, float[] x) {
            long base = row * (columns / BLOCK) * BLOCK_BYTES;
            float sum = 0;
            for (int b = 0; b < columns / BLOCK; b++) {
                long block = base + (long) b * BLOCK_BYTES;
                float blockSum = 0;
                for (int j = 0; j < BLOCK; j++) {
                    blockSum += data.get(ValueLayout.JAVA_BYTE, block + 2 + j) * x[b * BLOCK + j];
                }
                sum += Float.float16ToFloat(data.get(SHORT, block)) * blockSum;
            }
            return sum;
        }
    }
}
