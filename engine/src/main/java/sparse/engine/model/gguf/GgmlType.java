package sparse.engine.model.gguf;

/**
 * Tensor element types as ggml numbers them. Every type is listed so that a file using one
 * we cannot compute with is refused by name; only the supported ones carry their block
 * layout (elements per block, bytes per block).
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2),
    Q4_1(3),
    Q5_0(6),
    Q5_1(7),
    /** Blocks of 32: an fp16 scale, then 32 signed bytes; value = scale * byte. */
    Q8_0(8, 32, 34),
    Q8_1(9),
    Q2_K(10),
    Q3_K(11),
    Q4_K(12),
    Q5_K(13),
    Q6_K(14),
    Q8_K(15),
    IQ2_XXS(16),
    IQ2_XS(17),
    IQ3_XXS(18),
    IQ1_S(19),
    IQ4_NL(20),
    IQ3_S(21),
    IQ2_S(22),
    IQ4_XS(23),
    I8(24),
    I16(25),
    I32(26),
    I64(27),
    F64(28),
    IQ1_M(29),
    BF16(30, 1, 2),
    TQ1_0(34),
    TQ2_0(35),
    MXFP4(39);

    /** The id in the file. */
    public final int id;
    /** Elements per block; 0 for types this reader does not support. */
    final int blockSize;
    /** Bytes per block; 0 for types this reader does not support. */
    final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    GgmlType(int id) {
        this(id, 0, 0);
    }

    /** Whether {@link Tensor} can read this type. */
    public boolean isSupported() {
        return blockSize > 0;
    }

    /** The type with this id, or null when ggml defines none. */
    static GgmlType of(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /** The supported types, for error messages. */
    static String supportedNames() {
        StringBuilder s = new StringBuilder();
        for (GgmlType t : values()) {
            if (t.isSupported()) {
                s.append(s.isEmpty() ? "" : ", ").append(t.name());
            }
        }
        return s.toString();
    }
}
