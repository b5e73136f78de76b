package sparse.engine.model.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF files for tests: metadata of every type and tensors in F32, F16, BF16 and Q8_0
 * (quantised here as ggml does), or raw bytes for any other type id. Tensors too large to
 * hold in memory (a 1B model) can be streamed: their bytes are made while {@link #write}
 * writes the file.
 */
public final class GgufWriter {

    private final int version;
    private final Map<String, GgufValueType> types = new LinkedHashMap<>();
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final List<TensorEntry> tensors = new ArrayList<>();
    private int alignment = GgufParser.DEFAULT_ALIGNMENT;

    /** A tensor: its bytes, or (streamed) their count and what makes them. */
    private record TensorEntry(String name, int typeId, long[] shape, byte[] data, long size, TensorBytes stream) {
        TensorEntry(String name, int typeId, long[] shape, byte[] data) {
            this(name, typeId, shape, data, data.length, null);
        }
    }

    /** Makes a streamed tensor's bytes in order, a buffer at a time. */
    @FunctionalInterface
    public interface TensorBytes {
        /** Fills {@code buffer}'s remaining bytes (little-endian; a whole number of the type's blocks). */
        void fill(ByteBuffer buffer);
    }

    /** Bytes per buffer handed to a {@link TensorBytes}, rounded down to whole blocks. */
    private static final int STREAM_BUFFER = 1 << 20;

    public GgufWriter(int version) {
        this.version = version;
    }

    public GgufWriter() {
        this(3);
    }

    /**
     * Adds a metadata entry: a Number for integer and float types, Boolean, String, or a
     * {@link GgufArray} (integer arrays as long[]).
     */
    public GgufWriter put(String key, GgufValueType type, Object value) {
        types.put(key, type);
        values.put(key, value);
        if (key.equals("general.alignment")) {
            alignment = ((Number) value).intValue();
        }
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    public GgufWriter putUInt32(String key, long value) {
        return put(key, GgufValueType.UINT32, value);
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    public GgufWriter putArray(String key, GgufValueType elementType, Object values) {
        return put(key, GgufValueType.ARRAY, new GgufArray(elementType, values));
    }

    /**
     * Adds a tensor of {@code type} holding {@code data} (length: product of {@code shape})
     * and returns the values a reader will see (rounded to the type).
     */
    public float[] tensor(String name, GgmlType type, long[] shape, float[] data) {
        ByteBuffer b = ByteBuffer.allocate(encodedSize(type, data.length)).order(ByteOrder.LITTLE_ENDIAN);
        float[] seen = new float[data.length];
        switch (type) {
            case F32 -> {
                for (int i = 0; i < data.length; i++) {
                    b.putFloat(data[i]);
                    seen[i] = data[i];
                }
            }
            case F16 -> {
                for (int i = 0; i < data.length; i++) {
                    short h = Float.floatToFloat16(data[i]);
                    b.putShort(h);
                    seen[i] = Float.float16ToFloat(h);
                }
            }
            case BF16 -> {
                for (int i = 0; i < data.length; i++) {
                    int bits = Float.floatToIntBits(data[i]);
                    short h = (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16); // round to nearest even
                    b.putShort(h);
                    seen[i] = Float.intBitsToFloat(h << 16);
                }
            }
            case Q8_0 -> {
                // ggml's quantize_row_q8_0_ref: scale = max|x| / 127, q = round(x / scale)
                for (int block = 0; block < data.length / 32; block++) {
                    float amax = 0;
                    for (int j = 0; j < 32; j++) {
                        amax = Math.max(amax, Math.abs(data[block * 32 + j]));
                    }
                    float d = amax / 127;
                    float id = d != 0 ? 1 / d : 0;
                    short dh = Float.floatToFloat16(d);
                    b.putShort(dh);
                    for (int j = 0; j < 32; j++) {
                        byte q = (byte) Math.round(data[block * 32 + j] * id);
                        b.put(q);
                        seen[block * 32 + j] = Float.float16ToFloat(dh) * q;
                    }
                }
            }
            default -> throw new IllegalArgumentException("writer cannot encode " + type);
        }
        tensors.add(new TensorEntry(name, type.id, shape, b.array()));
        return seen;
    }

    /**
     * Adds a tensor of {@code type} whose encoded bytes {@code data} makes while {@link #write}
     * writes the file (not {@link #toBytes}): for tensors too large to hold in memory.
     */
    public GgufWriter streamedTensor(String name, GgmlType type, long[] shape, TensorBytes data) {
        long elements = 1;
        for (long d : shape) {
            elements = Math.multiplyExact(elements, d);
        }
        tensors.add(new TensorEntry(name, type.id, shape, null, elements / type.blockSize * type.blockBytes, data));
        return this;
    }

    /** Adds a tensor with raw data and any type id (for types the reader refuses). */
    public GgufWriter rawTensor(String name, int typeId, long[] shape, byte[] data) {
        tensors.add(new TensorEntry(name, typeId, shape, data));
        return this;
    }

    private static int encodedSize(GgmlType type, int elements) {
        return elements / type.blockSize * type.blockBytes;
    }

    public byte[] toBytes() {
        Bytes out = header();
        long dataStart = out.size();
        List<Long> offsets = offsets();
        for (int i = 0; i < tensors.size(); i++) {
            TensorEntry t = tensors.get(i);
            if (t.data == null) {
                throw new IllegalStateException("tensor " + t.name + " is streamed: write(Path) writes it");
            }
            out.pad(dataStart + offsets.get(i) - out.size());
            out.raw(t.data);
        }
        return out.toByteArray();
    }

    /** Writes the file, making streamed tensors' bytes as it goes. */
    public Path write(Path path) throws IOException {
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            byte[] header = header().toByteArray();
            writeFully(file, ByteBuffer.wrap(header), 0);
            List<Long> offsets = offsets();
            for (int i = 0; i < tensors.size(); i++) {
                TensorEntry t = tensors.get(i);
                long start = header.length + offsets.get(i);  // the gap before it stays zero
                if (t.data != null) {
                    writeFully(file, ByteBuffer.wrap(t.data), start);
                    continue;
                }
                GgmlType type = GgmlType.of(t.typeId);
                ByteBuffer buffer = ByteBuffer.allocate(STREAM_BUFFER / type.blockBytes * type.blockBytes)
                        .order(ByteOrder.LITTLE_ENDIAN);
                for (long done = 0; done < t.size; ) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), t.size - done));
                    t.stream.fill(buffer);
                    if (buffer.hasRemaining()) {
                        throw new IllegalStateException("tensor " + t.name + ": the stream left bytes unfilled");
                    }
                    buffer.flip();
                    writeFully(file, buffer, start + done);
                    done += buffer.limit();
                }
            }
        }
        return path;
    }

    private static void writeFully(FileChannel file, ByteBuffer bytes, long position) throws IOException {
        while (bytes.hasRemaining()) {
            position += file.write(bytes, position);
        }
    }

    /** Each tensor's offset in the data section: one after another, each aligned. */
    private List<Long> offsets() {
        List<Long> offsets = new ArrayList<>();
        long offset = 0;
        for (TensorEntry t : tensors) {
            offsets.add(offset);
            offset = alignUp(offset + t.size);
        }
        return offsets;
    }

    /** Magic, counts, metadata and tensor infos, padded to the alignment: everything before the data. */
    private Bytes header() {
        Bytes out = new Bytes();
        out.raw("GGUF").u32(version).u64(tensors.size()).u64(values.size());
        for (String key : values.keySet()) {
            out.str(key).u32(types.get(key).id);
            value(out, types.get(key), values.get(key));
        }
        List<Long> offsets = offsets();
        for (int i = 0; i < tensors.size(); i++) {
            TensorEntry t = tensors.get(i);
            out.str(t.name).u32(t.shape.length);
            for (long d : t.shape) {
                out.u64(d);
            }
            out.u32(t.typeId).u64(offsets.get(i));
        }
        out.pad(alignUp(out.size()) - out.size());
        return out;
    }

    private long alignUp(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    private static void value(Bytes out, GgufValueType type, Object v) {
        switch (type) {
            case UINT8, INT8, BOOL -> out.u8(v instanceof Boolean bool ? (bool ? 1 : 0) : ((Number) v).intValue());
            case UINT16, INT16 -> out.u16(((Number) v).intValue());
            case UINT32, INT32 -> out.u32(((Number) v).longValue());
            case UINT64, INT64 -> out.u64(((Number) v).longValue());
            case FLOAT32 -> out.f32(((Number) v).floatValue());
            case FLOAT64 -> out.f64(((Number) v).doubleValue());
            case STRING -> out.str((String) v);
            case ARRAY -> {
                GgufArray a = (GgufArray) v;
                out.u32(a.elementType().id).u64(a.length());
                for (int i = 0; i < a.length(); i++) {
                    Object element = java.lang.reflect.Array.get(a.values(), i);
                    value(out, a.elementType(), element);
                }
            }
        }
    }

    /** A little-endian byte builder, also for hand-made malformed files. */
    public static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Bytes u8(int v) {
            out.write(v);
            return this;
        }

        public Bytes u16(int v) {
            return u8(v).u8(v >>> 8);
        }

        public Bytes u32(long v) {
            return u16((int) v).u16((int) (v >>> 16));
        }

        public Bytes u64(long v) {
            return u32(v).u32(v >>> 32);
        }

        public Bytes f32(float v) {
            return u32(Float.floatToRawIntBits(v));
        }

        public Bytes f64(double v) {
            return u64(Double.doubleToRawLongBits(v));
        }

        public Bytes str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return u64(b.length).raw(b);
        }

        public Bytes raw(String ascii) {
            return raw(ascii.getBytes(StandardCharsets.US_ASCII));
        }

        public Bytes raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        public Bytes pad(long n) {
            for (long i = 0; i < n; i++) {
                out.write(0);
            }
            return this;
        }

        public long size() {
            return out.size();
        }

        public byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
