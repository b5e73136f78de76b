package sparse.engine.model.device;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import sparse.engine.model.gguf.GgmlType;
import sparse.engine.model.gguf.GgufFormatException;
import sparse.engine.model.gguf.GgufTensorInfo;
import sparse.engine.model.gguf.Tensor;
import sparse.tasks.kernels.matvec.MatvecKernels;

/**
 * A weight matrix as the device kernels take it: the GGUF tensor's own bits in Java arrays,
 * row-major {@code [rows][cols]} (rows = outputs). One record per element type; Q8_0 is
 * split into its scales and its quants so that the matvec kernel reads the quants coalesced.
 */
public sealed interface WeightMatrix {

    int rows();

    int cols();

    /** float32. */
    record F32(int rows, int cols, float[] w) implements WeightMatrix {
    }

    /** fp16 bits, two to an int (element 2j in the low half of int j, as they lie in the file). */
    record F16(int rows, int cols, int[] w) implements WeightMatrix {
    }

    /** bfloat16 bits, two to an int like {@link F16}. */
    record Bf16(int rows, int cols, int[] w) implements WeightMatrix {
    }

    /**
     * Q8_0: {@code scales} one fp16 per block of 32 elements (in element order), {@code quants}
     * every element's signed byte, four to an int (element e in bits 8·(e % 4) .. of int e / 4,
     * as they lie in the file); element e = scales[e / 32] · that byte.
     */
    record Q8(int rows, int cols, short[] scales, int[] quants) implements WeightMatrix {
    }

    /** Reads {@code tensor}'s bits from {@code file}, the GGUF file it came from. */
    static WeightMatrix read(Path file, Tensor tensor) {
        GgufTensorInfo info = tensor.info();
        if (info.elementCount() > Integer.MAX_VALUE - 8) {
            throw new GgufFormatException("tensor " + GgufFormatException.quote(info.name()) + " has "
                    + info.elementCount() + " elements, more than one Java array holds", info.infoOffset());
        }
        int rows = (int) tensor.rows();
        int cols = tensor.columns();
        int n = (int) info.elementCount();
        GgmlType type = info.type();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer bytes = readAll(channel, info);
            return switch (type) {
                case F32 -> {
                    float[] w = new float[n];
                    bytes.asFloatBuffer().get(w);
                    yield new F32(rows, cols, w);
                }
                case F16 -> new F16(rows, cols, pairs(bytes, info, cols));
                case BF16 -> new Bf16(rows, cols, pairs(bytes, info, cols));
                case Q8_0 -> {
                    int ints = MatvecKernels.Q8_BLOCK / 4;  // per block
                    short[] scales = new short[n / MatvecKernels.Q8_BLOCK];
                    int[] quants = new int[n / 4];
                    for (int b = 0; b < scales.length; b++) {
                        scales[b] = bytes.getShort();
                        for (int i = 0; i < ints; i++) {
                            quants[b * ints + i] = bytes.getInt();  // little-endian: the first byte lowest
                        }
                    }
                    yield new Q8(rows, cols, scales, quants);
                }
                default -> throw new GgufFormatException("tensor " + GgufFormatException.quote(info.name()) + " has type "
                        + type + ", which the device kernels do not take (F32, F16, BF16, Q8_0)", info.infoOffset());
            };
        } catch (IOException e) {
            throw new UncheckedIOException("reading tensor " + info.name() + " from " + file, e);
        }
    }

    /** 16-bit elements two to an int, little-endian: the first in the low half. */
    private static int[] pairs(ByteBuffer bytes, GgufTensorInfo info, int cols) {
        if (cols % 2 != 0) {
            throw new GgufFormatException("tensor " + GgufFormatException.quote(info.name()) + " has rows of " + cols
                    + " elements; the device kernels take 16-bit weights in pairs", info.infoOffset());
        }
        int[] w = new int[bytes.remaining() / 4];
        bytes.asIntBuffer().get(w);
        return w;
    }

    /** The tensor's bytes, little-endian. */
    private static ByteBuffer readAll(FileChannel channel, GgufTensorInfo info) throws IOException {
        if (info.byteSize() > Integer.MAX_VALUE - 8) {
            throw new GgufFormatException("tensor " + GgufFormatException.quote(info.name()) + " has "
                    + info.byteSize() + " bytes, more than one read takes", info.infoOffset());
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) info.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, info.dataOffset() + buffer.position()) < 0) {
                throw new GgufFormatException("the file ends inside tensor " + GgufFormatException.quote(info.name()),
                        info.infoOffset());
            }
        }
        return buffer.flip();
    }
}
