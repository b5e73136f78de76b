package sparse.engine.model.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a GGUF header (magic, version, counts, metadata, tensor infos) from the mapped file.
 * Every read is bounds-checked and every count or length is checked against the bytes left
 * before anything is allocated for it, so a malformed file ends in a
 * {@link GgufFormatException}, never an OutOfMemoryError or an index exception.
 *
 * <p>Layout (little-endian): "GGUF", u32 version, u64 tensor count, u64 metadata count,
 * metadata entries (string key, u32 type, value), tensor infos (string name, u32 n_dims,
 * u64 dims[n_dims], u32 type, u64 offset), padding to the alignment, tensor data. A string is
 * a u64 byte length and UTF-8 bytes; an array is a u32 element type, a u64 count and the
 * elements.
 */
final class GgufParser {

    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4; // ggml's GGML_MAX_DIMS
    private static final int MAX_ARRAY_NESTING = 8;
    /** Java arrays hold at most about this many elements. */
    private static final long MAX_JAVA_ARRAY = Integer.MAX_VALUE - 8;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment file;
    private final long size;
    private long pos;

    int version;
    final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    final Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
    int alignment = DEFAULT_ALIGNMENT;
    long tensorInfoStart;
    long dataStart;

    GgufParser(MemorySegment file) {
        this.file = file;
        this.size = file.byteSize();
    }

    void parse() {
        int magic = (int) u32("magic");
        if (magic != MAGIC) {
            throw new GgufFormatException(String.format("not a GGUF file: magic is 0x%08x, expected 0x%08x (\"GGUF\")",
                    magic, MAGIC), 0);
        }
        long versionAt = pos;
        long v = u32("version");
        if (v != 2 && v != 3) {
            String hint = Integer.reverseBytes((int) v) == 2 || Integer.reverseBytes((int) v) == 3
                    ? " (a big-endian file; only little-endian GGUF is supported)" : " (supported: 2, 3)";
            throw new GgufFormatException("unsupported GGUF version " + v + hint, versionAt);
        }
        version = (int) v;
        long tensorCountAt = pos;
        long tensorCount = u64("tensor count");
        long metadataCountAt = pos;
        long metadataCount = u64("metadata count");
        // Smallest possible entries: a key of length 0 plus type plus a one-byte value; a
        // tensor info with an empty name, one dimension, type and offset.
        checkCount(metadataCount, 8 + 4 + 1, "metadata count", metadataCountAt);
        checkCount(tensorCount, 8 + 4 + 8 + 4 + 8, "tensor count", tensorCountAt);

        for (long i = 0; i < metadataCount; i++) {
            long entryAt = pos;
            String key = string("metadata key");
            long typeAt = pos;
            GgufValueType type = valueType(u32("metadata value type"), "metadata " + GgufFormatException.quote(key), typeAt);
            Object value = value(type, "metadata " + GgufFormatException.quote(key), 0);
            if (metadata.putIfAbsent(key, new GgufValue(type, value, entryAt)) != null) {
                throw new GgufFormatException("duplicate metadata key " + GgufFormatException.quote(key), entryAt);
            }
        }
        readAlignment();

        tensorInfoStart = pos;
        for (long i = 0; i < tensorCount; i++) {
            readTensorInfo();
        }
        dataStart = alignUp(pos, alignment);
        for (GgufTensorInfo t : tensors.values()) {
            checkTensorData(t);
        }
    }

    private void readAlignment() {
        GgufValue a = metadata.get("general.alignment");
        if (a == null) {
            return;
        }
        if (!a.type().isInteger()) {
            throw new GgufFormatException("general.alignment has type " + a.type() + ", expected an integer", a.offset());
        }
        long value = (Long) a.value();
        if (value <= 0 || value > (1 << 30) || Long.bitCount(value) != 1) {
            throw new GgufFormatException("general.alignment " + value + " is not a power of two up to 2^30", a.offset());
        }
        alignment = (int) value;
    }

    private void readTensorInfo() {
        long infoAt = pos;
        String name = string("tensor name");
        String what = "tensor " + GgufFormatException.quote(name);
        long dimsAt = pos;
        long nDims = u32(what + " dimension count");
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw new GgufFormatException(what + " has " + nDims + " dimensions, expected 1 to " + MAX_DIMS, dimsAt);
        }
        long[] shape = new long[(int) nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            long dimAt = pos;
            shape[d] = u64(what + " dimension " + d);
            // Elements cannot outnumber the file's bits: this bounds every product below 2^63.
            if (shape[d] < 1 || shape[d] > size * 8 || Math.multiplyHigh(elements, shape[d]) != 0
                    || elements * shape[d] > size * 8) {
                throw new GgufFormatException(what + " dimension " + d + " = " + Long.toUnsignedString(shape[d])
                        + " is absurd for a file of " + size + " bytes", dimAt);
            }
            elements *= shape[d];
        }
        long typeAt = pos;
        long typeId = u32(what + " type");
        GgmlType type = GgmlType.of(typeId);
        if (type == null) {
            throw new GgufFormatException(what + " has unknown tensor type id " + typeId, typeAt);
        }
        long byteSize = -1;
        if (type.isSupported()) {
            if (shape[0] % type.blockSize != 0) {
                throw new GgufFormatException(what + " of type " + type + " has a row of " + shape[0]
                        + " elements, not a multiple of its block size " + type.blockSize, dimsAt);
            }
            byteSize = elements / type.blockSize * type.blockBytes;
        }
        long offsetAt = pos;
        long offset = u64(what + " data offset");
        if (offset < 0 || offset % alignment != 0) {
            throw new GgufFormatException(what + " data offset " + Long.toUnsignedString(offset)
                    + " is not a multiple of the alignment " + alignment, offsetAt);
        }
        // The absolute position is known once all infos are read: keep the relative one for now.
        if (tensors.putIfAbsent(name, new GgufTensorInfo(name, type, shape, offset, byteSize, infoAt)) != null) {
            throw new GgufFormatException("duplicate tensor name " + GgufFormatException.quote(name), infoAt);
        }
    }

    private void checkTensorData(GgufTensorInfo relative) {
        long start = dataStart + relative.dataOffset();
        if (start < 0 || start > size || (relative.byteSize() > 0 && relative.byteSize() > size - start)) {
            throw new GgufFormatException("tensor " + GgufFormatException.quote(relative.name()) + " data [" + start + ", "
                    + (relative.byteSize() < 0 ? "?" : String.valueOf(start + relative.byteSize()))
                    + ") lies past the end of the file (" + size + " bytes)", relative.infoOffset());
        }
        tensors.put(relative.name(), new GgufTensorInfo(relative.name(), relative.type(), relative.shape(), start,
                relative.byteSize(), relative.infoOffset()));
    }

    private Object value(GgufValueType type, String what, int nesting) {
        return switch (type) {
            case UINT8 -> (long) (u8(what) & 0xff);
            case INT8 -> (long) u8(what);
            case UINT16 -> (long) (u16(what) & 0xffff);
            case INT16 -> (long) u16(what);
            case UINT32 -> u32(what);
            case INT32 -> (long) (int) u32(what);
            case UINT64, INT64 -> u64(what);
            case FLOAT32 -> f32(what);
            case FLOAT64 -> f64(what);
            case BOOL -> bool(what);
            case STRING -> string(what);
            case ARRAY -> array(what, nesting);
        };
    }

    private GgufArray array(String what, int nesting) {
        long typeAt = pos;
        if (nesting >= MAX_ARRAY_NESTING) {
            throw new GgufFormatException(what + ": arrays nested deeper than " + MAX_ARRAY_NESTING, typeAt);
        }
        GgufValueType type = valueType(u32(what + " array element type"), what, typeAt);
        long countAt = pos;
        long count = u64(what + " array length");
        checkCount(count, type.minBytes, what + " array length", countAt);
        int n = (int) count;
        return switch (type) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (Long) value(type, what, nesting);
                }
                yield new GgufArray(type, a);
            }
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = f32(what);
                }
                yield new GgufArray(type, a);
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = f64(what);
                }
                yield new GgufArray(type, a);
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = bool(what);
                }
                yield new GgufArray(type, a);
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = string(what + " [" + i + "]");
                }
                yield new GgufArray(type, a);
            }
            case ARRAY -> {
                GgufArray[] a = new GgufArray[n];
                for (int i = 0; i < n; i++) {
                    a[i] = array(what + " [" + i + "]", nesting + 1);
                }
                yield new GgufArray(type, a);
            }
        };
    }

    private static GgufValueType valueType(long id, String what, long at) {
        GgufValueType type = GgufValueType.of(id);
        if (type == null) {
            throw new GgufFormatException(what + " has unknown value type id " + id, at);
        }
        return type;
    }

    /** Refuses a count whose elements, at {@code minBytes} each, cannot fit in the bytes left. */
    private void checkCount(long count, int minBytes, String what, long at) {
        long left = size - pos;
        if (count < 0 || count > MAX_JAVA_ARRAY || count > left / minBytes) {
            throw new GgufFormatException(what + " " + Long.toUnsignedString(count) + " is absurd: only " + left
                    + " bytes follow", at);
        }
    }

    private void need(long bytes, String what) {
        if (bytes > size - pos) {
            throw new GgufFormatException("file truncated: " + what + " needs " + bytes + " bytes, "
                    + (size - pos) + " left", pos);
        }
    }

    private byte u8(String what) {
        need(1, what);
        return file.get(ValueLayout.JAVA_BYTE, pos++);
    }

    private short u16(String what) {
        need(2, what);
        short v = file.get(U16, pos);
        pos += 2;
        return v;
    }

    /** An unsigned 32-bit value. */
    private long u32(String what) {
        need(4, what);
        long v = Integer.toUnsignedLong(file.get(U32, pos));
        pos += 4;
        return v;
    }

    /** A 64-bit value; one above 2^63-1 comes back negative, which callers treat as absurd. */
    private long u64(String what) {
        need(8, what);
        long v = file.get(U64, pos);
        pos += 8;
        return v;
    }

    private float f32(String what) {
        need(4, what);
        float v = file.get(F32, pos);
        pos += 4;
        return v;
    }

    private double f64(String what) {
        need(8, what);
        double v = file.get(F64, pos);
        pos += 8;
        return v;
    }

    private boolean bool(String what) {
        long at = pos;
        byte b = u8(what);
        if (b != 0 && b != 1) {
            throw new GgufFormatException(what + ": bool byte is " + (b & 0xff) + ", expected 0 or 1", at);
        }
        return b == 1;
    }

    private String string(String what) {
        long lengthAt = pos;
        long length = u64(what + " length");
        if (length < 0 || length > size - pos || length > MAX_JAVA_ARRAY) {
            throw new GgufFormatException(what + " length " + Long.toUnsignedString(length) + " is absurd: only "
                    + (size - pos) + " bytes follow", lengthAt);
        }
        byte[] bytes = file.asSlice(pos, length).toArray(ValueLayout.JAVA_BYTE);
        pos += length;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long alignUp(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }
}
