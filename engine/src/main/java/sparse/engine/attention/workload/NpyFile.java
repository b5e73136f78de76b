package sparse.engine.attention.workload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A NumPy {@code .npy} file of float32 or float16, little-endian, C order (format versions 1.0,
 * 2.0 and 3.0). The header is read on {@link #open}; the data on {@link #readFloats} or
 * {@link #readHalves}. Every fault is a {@link WorkloadException} whose message starts with the path.
 *
 * <p>Format: magic {@code \x93NUMPY}, major and minor version bytes, the header length
 * (uint16 in 1.0, uint32 in 2.0 and 3.0), then a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (8, 1024, 128), }}, then the data.
 */
final class NpyFile {

    enum DType {
        F16("<f2", 2), F32("<f4", 4);

        final String descr;
        final int bytes;

        DType(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }
    }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int CHUNK = 1 << 20;

    final Path path;
    final DType dtype;
    final int[] shape;
    private final long dataOffset;
    private final int count;

    private NpyFile(Path path, DType dtype, int[] shape, long dataOffset, int count) {
        this.path = path;
        this.dtype = dtype;
        this.shape = shape;
        this.dataOffset = dataOffset;
        this.count = count;
    }

    /** Reads and checks the header of {@code path}, which must hold an array of {@code rank} dimensions. */
    static NpyFile open(Path path, int rank) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer pre = readFully(ch, path, 0, 10, "the 10-byte preamble");
            byte[] magic = new byte[6];
            pre.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw fault(path, "bad magic (not an .npy file)");
            }
            int major = pre.get() & 0xff;
            int minor = pre.get() & 0xff;
            long headerLen;
            long headerStart;
            if (major == 1) {
                headerLen = pre.getShort(8) & 0xffff;
                headerStart = 10;
            } else if (major == 2 || major == 3) {
                headerLen = readFully(ch, path, 8, 4, "the header length").getInt() & 0xffffffffL;
                headerStart = 12;
            } else {
                throw fault(path, "unsupported NPY format version " + major + "." + minor);
            }
            if (headerLen > 1 << 20) {
                throw fault(path, "header of " + headerLen + " bytes is implausibly long");
            }
            ByteBuffer hb = readFully(ch, path, headerStart, (int) headerLen, "the header");
            // 1.0 and 2.0 headers are latin-1, 3.0 utf-8; the keys we read are ASCII in both
            String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Map<String, Object> dict = new HeaderParser(path, header).dict();

            String descr = field(dict, path, "descr", String.class);
            DType dtype = Arrays.stream(DType.values()).filter(t -> t.descr.equals(descr)).findFirst()
                    .orElseThrow(() -> fault(path, "unsupported dtype '" + descr + "' (want '<f4' or '<f2')"));
            if (field(dict, path, "fortran_order", Boolean.class)) {
                throw fault(path, "Fortran order is not supported (save the array in C order)");
            }
            long[] dims = field(dict, path, "shape", long[].class);
            if (dims.length != rank) {
                throw fault(path, "expected " + rank + " dimensions, shape is " + shapeText(dims));
            }
            long elements = 1;
            int[] shape = new int[rank];
            for (int i = 0; i < rank; i++) {
                if (dims[i] < 1) {
                    throw fault(path, "empty dimension in shape " + shapeText(dims));
                }
                elements *= dims[i];
                if (elements > Integer.MAX_VALUE - 8) {
                    throw fault(path, "shape " + shapeText(dims) + " is too large for one Java array");
                }
                shape[i] = (int) dims[i];
            }
            long dataOffset = headerStart + headerLen;
            long need = elements * dtype.bytes;
            long have = ch.size() - dataOffset;
            if (have < need) {
                throw fault(path, "truncated data: shape " + shapeText(dims) + " of " + descr + " needs " + need
                        + " bytes, the file has " + Math.max(have, 0));
            }
            if (have > need) {
                throw fault(path, (have - need) + " bytes after the data of shape " + shapeText(dims) + " of " + descr);
            }
            return new NpyFile(path, dtype, shape, dataOffset, (int) elements);
        } catch (NoSuchFileException e) {
            throw fault(path, "no such file");
        } catch (IOException e) {
            throw new WorkloadException(path + ": " + e, e);
        }
    }

    /** The data as floats, in C order. */
    float[] readFloats() {
        float[] out = new float[count];
        read((i, buf) -> out[i] = dtype == DType.F32 ? buf.getFloat() : Float.float16ToFloat(buf.getShort()));
        checkFinite(out);
        return out;
    }

    /** The data as fp16 bits, in C order; float32 data is rounded to fp16 and must fit its range. */
    short[] readHalves() {
        short[] out = new short[count];
        read((i, buf) -> {
            if (dtype == DType.F16) {
                out[i] = buf.getShort();
            } else {
                float f = buf.getFloat();
                short h = Float.floatToFloat16(f);
                if (Float.isFinite(f) && !Float.isFinite(Float.float16ToFloat(h))) {
                    throw fault(path, "value " + f + " at " + index(i) + " overflows fp16");
                }
                out[i] = h;
            }
        });
        for (int i = 0; i < count; i++) {
            if (!Float.isFinite(Float.float16ToFloat(out[i]))) {
                throw fault(path, "non-finite value at " + index(i));
            }
        }
        return out;
    }

    private interface ElementReader {
        void read(int index, ByteBuffer buf);
    }

    private void read(ElementReader reader) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            long pos = dataOffset;
            int i = 0;
            while (i < count) {
                buf.clear();
                buf.limit((int) Math.min(CHUNK, (long) (count - i) * dtype.bytes));
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, pos);
                    if (n < 0) {
                        throw fault(path, "file ended while reading its data");
                    }
                    pos += n;
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    reader.read(i++, buf);
                }
            }
        } catch (IOException e) {
            throw new WorkloadException(path + ": " + e, e);
        }
    }

    private void checkFinite(float[] a) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw fault(path, "non-finite value at " + index(i));
            }
        }
    }

    /** {@code [i0, i1, i2]} of flat index {@code flat}. */
    private String index(int flat) {
        int[] idx = new int[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = flat % shape[a];
            flat /= shape[a];
        }
        return Arrays.toString(idx);
    }

    static String shapeText(long[] dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i > 0 ? ", " : "").append(dims[i]);
        }
        return sb.append(dims.length == 1 ? ",)" : ")").toString();
    }

    static String shapeText(int[] dims) {
        return shapeText(Arrays.stream(dims).asLongStream().toArray());
    }

    private static ByteBuffer readFully(FileChannel ch, Path path, long at, int n, String what) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (ch.read(buf, at + buf.position()) < 0) {
                throw fault(path, "truncated: the file ends inside " + what);
            }
        }
        return buf.flip();
    }

    private static <T> T field(Map<String, Object> dict, Path path, String key, Class<T> type) {
        Object v = dict.get(key);
        if (v == null) {
            throw fault(path, "header lacks '" + key + "'");
        }
        if (!type.isInstance(v)) {
            throw fault(path, "header field '" + key + "' has the wrong type");
        }
        return type.cast(v);
    }

    static WorkloadException fault(Path path, String what) {
        return new WorkloadException(path + ": " + what);
    }

    /**
     * The header's Python dict literal: string keys; values a string, {@code True}/{@code False},
     * or a tuple of integers.
     */
    private static final class HeaderParser {
        private final Path path;
        private final String s;
        private int pos;

        HeaderParser(Path path, String s) {
            this.path = path;
            this.s = s;
        }

        Map<String, Object> dict() {
            Map<String, Object> out = new HashMap<>();
            expect('{');
            while (peek() != '}') {
                String key = string();
                expect(':');
                out.put(key, value());
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw bad("',' or '}'");
                }
            }
            pos++;
            if (!s.substring(pos).isBlank()) {
                throw bad("end of header");
            }
            return out;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            throw bad("a string, True, False or a tuple");
        }

        private long[] tuple() {
            expect('(');
            long[] dims = new long[0];
            while (peek() != ')') {
                int start = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
                if (start == pos) {
                    throw bad("a non-negative integer");
                }
                try {
                    dims = Arrays.copyOf(dims, dims.length + 1);
                    dims[dims.length - 1] = Long.parseLong(s.substring(start, pos));
                } catch (NumberFormatException e) {
                    throw bad("a dimension that fits 64 bits");
                }
                if (peek() == ',') {
                    pos++;
                } else if (peek() != ')') {
                    throw bad("',' or ')'");
                }
            }
            pos++;
            return dims;
        }

        private String string() {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw bad("a quoted string");
            }
            int end = s.indexOf(quote, ++pos);
            if (end < 0) {
                throw bad("a closing quote");
            }
            String out = s.substring(pos, end);
            pos = end + 1;
            return out;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw bad("'" + c + "'");
            }
            pos++;
        }

        /** The next non-blank character, not consumed; 0 at the end. */
        private char peek() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
            return pos < s.length() ? s.charAt(pos) : 0;
        }

        private WorkloadException bad(String wanted) {
            return fault(path, "malformed header: expected " + wanted + " at character " + pos + " of "
                    + s.strip().replaceAll("\\s+", " "));
        }
    }
}
