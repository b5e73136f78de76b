package sparse.engine.model.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GgufFileTest {

    @TempDir
    Path dir;

    private GgufFile open(byte[] bytes) throws IOException {
        return GgufFile.open(Files.write(dir.resolve("t.gguf"), bytes));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void readsMetadataOfEveryType(int version) throws IOException {
        GgufWriter w = new GgufWriter(version)
                .put("u8", GgufValueType.UINT8, 250)
                .put("i8", GgufValueType.INT8, -5)
                .put("u16", GgufValueType.UINT16, 65000)
                .put("i16", GgufValueType.INT16, -30000)
                .put("u32", GgufValueType.UINT32, 4_000_000_000L)
                .put("i32", GgufValueType.INT32, -2_000_000_000)
                .put("u64", GgufValueType.UINT64, 1L << 40)
                .put("i64", GgufValueType.INT64, -(1L << 40))
                .put("f32", GgufValueType.FLOAT32, 1.5f)
                .put("f64", GgufValueType.FLOAT64, 2.25)
                .put("bool", GgufValueType.BOOL, true)
                .putString("str", "héllo ▁ world")
                .putArray("a.u8", GgufValueType.UINT8, new long[] {1, 255})
                .putArray("a.i32", GgufValueType.INT32, new long[] {-1, 7})
                .putArray("a.f32", GgufValueType.FLOAT32, new float[] {0.5f, -3f})
                .putArray("a.f64", GgufValueType.FLOAT64, new double[] {1e300})
                .putArray("a.bool", GgufValueType.BOOL, new boolean[] {true, false})
                .putArray("a.str", GgufValueType.STRING, new String[] {"a", "", "▁b"})
                .putArray("a.nested", GgufValueType.ARRAY, new GgufArray[] {
                        new GgufArray(GgufValueType.INT16, new long[] {-2, 3}),
                        new GgufArray(GgufValueType.STRING, new String[] {"x"})})
                .putArray("a.empty", GgufValueType.UINT64, new long[0]);
        try (GgufFile f = open(w.toBytes())) {
            assertEquals(version, f.version());
            assertEquals(250, f.integer("u8"));
            assertEquals(-5, f.integer("i8"));
            assertEquals(65000, f.integer("u16"));
            assertEquals(-30000, f.integer("i16"));
            assertEquals(4_000_000_000L, f.integer("u32"));
            assertEquals(-2_000_000_000, f.integer("i32"));
            assertEquals(1L << 40, f.integer("u64"));
            assertEquals(-(1L << 40), f.integer("i64"));
            assertEquals(1.5f, f.floatValue("f32"));
            assertEquals(2.25f, f.floatValue("f64"));
            assertTrue(f.bool("bool", false));
            assertEquals("héllo ▁ world", f.string("str"));
            assertArrayEquals(new long[] {1, 255}, f.integerArray("a.u8"));
            assertArrayEquals(new long[] {-1, 7}, f.integerArray("a.i32"));
            assertArrayEquals(new float[] {0.5f, -3f}, f.floatArray("a.f32"));
            assertArrayEquals(new double[] {1e300}, (double[]) f.array("a.f64").values());
            assertArrayEquals(new boolean[] {true, false}, (boolean[]) f.array("a.bool").values());
            assertArrayEquals(new String[] {"a", "", "▁b"}, f.stringArray("a.str"));
            GgufArray[] nested = (GgufArray[]) f.array("a.nested").values();
            assertArrayEquals(new long[] {-2, 3}, (long[]) nested[0].values());
            assertArrayEquals(new String[] {"x"}, (String[]) nested[1].values());
            assertEquals(0, f.array("a.empty").length());
            assertEquals(20, f.metadata().size());
            assertEquals(32, f.alignment());

            GgufFormatException wrongType = assertThrows(GgufFormatException.class, () -> f.string("u8"));
            assertTrue(wrongType.getMessage().contains("'u8' has type UINT8, expected STRING"), wrongType.getMessage());
            GgufFormatException missing = assertThrows(GgufFormatException.class, () -> f.integer("nope"));
            assertTrue(missing.getMessage().contains("'nope' is missing"), missing.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 64})
    void readsTensorsOfEachSupportedTypeInPlace(int alignment) throws IOException {
        long seed = System.nanoTime();
        System.out.println("readsTensorsOfEachSupportedTypeInPlace seed " + seed);
        Random random = new Random(seed);
        GgufWriter w = new GgufWriter();
        if (alignment != 0) {
            w.putUInt32("general.alignment", alignment);
        }
        GgmlType[] types = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0};
        long[] shape = {64, 3, 2}; // rows of 64, 6 rows
        float[][] seen = new float[types.length][];
        for (int t = 0; t < types.length; t++) {
            float[] data = new float[64 * 6];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) random.nextGaussian();
            }
            seen[t] = w.tensor("t." + types[t], types[t], shape, data);
        }
        float[] x = new float[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        try (GgufFile f = open(w.toBytes())) {
            int expectedAlignment = alignment == 0 ? 32 : alignment;
            assertEquals(expectedAlignment, f.alignment());
            assertEquals(0, f.dataStart() % expectedAlignment);
            for (int t = 0; t < types.length; t++) {
                Tensor tensor = f.tensor("t." + types[t]);
                assertEquals(types[t], tensor.info().type());
                assertEquals(0, (tensor.info().dataOffset() - f.dataStart()) % expectedAlignment);
                assertEquals(64, tensor.columns());
                assertEquals(6, tensor.rows());
                assertArrayEquals(seen[t], tensor.toFloatArray(), types[t] + " values");
                float[] row = new float[64];
                tensor.copyRow(4, row, 0);
                for (int r = 0; r < 6; r++) {
                    double ref = 0;
                    for (int i = 0; i < 64; i++) {
                        ref += (double) seen[t][r * 64 + i] * x[i];
                    }
                    // float accumulation of 64 products of unit-size numbers
                    assertEquals(ref, tensor.dot(r, x), 1e-4 * (1 + Math.abs(ref)), types[t] + " dot row " + r);
                }
                for (int i = 0; i < 64; i++) {
                    assertEquals(seen[t][4 * 64 + i], row[i]);
                }
            }
        }
    }

    @Test
    void refusesAnUnsupportedTensorTypeByName() throws IOException {
        byte[] q4k = new byte[144]; // one Q4_K block of 256
        GgufWriter w = new GgufWriter().rawTensor("blk.0.attn_q.weight", GgmlType.Q4_K.id, new long[] {256}, q4k);
        try (GgufFile f = open(w.toBytes())) {
            assertEquals(GgmlType.Q4_K, f.tensorInfo("blk.0.attn_q.weight").type());
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> f.tensor("blk.0.attn_q.weight"));
            assertTrue(e.getMessage().contains("type Q4_K"), e.getMessage());
            assertTrue(e.getMessage().contains("supported: F32, F16, Q8_0, BF16"), e.getMessage());
        }
    }

    private static GgufWriter.Bytes header(long tensors, long metadata) {
        return new GgufWriter.Bytes().raw("GGUF").u32(3).u64(tensors).u64(metadata);
    }

    /** Asserts the bytes are refused with a message containing {@code text} and the given offset. */
    private void assertRefused(byte[] bytes, String text, long offset) {
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> open(bytes).close());
        System.out.println("refused: " + e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().endsWith("(at byte " + offset + ")"), e.getMessage());
    }

    @Test
    void refusesMalformedHeaders() {
        assertRefused(new byte[0], "file truncated: magic", 0);
        assertRefused(new GgufWriter.Bytes().raw("GGML").u32(3).toByteArray(), "not a GGUF file", 0);
        assertRefused(new GgufWriter.Bytes().raw("GGUF").u32(1).toByteArray(), "unsupported GGUF version 1", 4);
        assertRefused(new GgufWriter.Bytes().raw("GGUF").u32(3L << 24).toByteArray(), "big-endian", 4);
        assertRefused(new GgufWriter.Bytes().raw("GGUF").u32(3).u32(0).toByteArray(), "tensor count needs 8 bytes", 8);
        assertRefused(header(0, 1L << 60).toByteArray(), "metadata count 1152921504606846976 is absurd", 16);
        assertRefused(header(-1, 0).toByteArray(), "tensor count 18446744073709551615 is absurd", 8);
        // Counts are checked against the bytes left before anything is read: pad so that the
        // field under test is what fails.
        assertRefused(header(0, 1).u64(1L << 50).pad(64).toByteArray(),
                "metadata key length 1125899906842624 is absurd", 24);
        assertRefused(header(0, 1).str("k").u32(13).pad(64).toByteArray(), "metadata 'k' has unknown value type id 13", 33);
        assertRefused(header(0, 1).str("k").u32(9).u32(8).u64(1L << 40).pad(64).toByteArray(),
                "metadata 'k' array length 1099511627776 is absurd", 41);
        assertRefused(header(0, 1).str("k").u32(9).u32(77).pad(64).toByteArray(),
                "metadata 'k' has unknown value type id 77", 37);
        assertRefused(header(0, 1).str("k").u32(7).u8(2).pad(64).toByteArray(), "bool byte is 2", 37);
        assertRefused(header(0, 2).str("k").u32(0).u8(1).str("k").u32(0).u8(2).pad(64).toByteArray(),
                "duplicate metadata key 'k'", 38);
        GgufWriter.Bytes deep = header(0, 1).str("k").u32(9);
        for (int i = 0; i < 9; i++) {
            deep.u32(9).u64(1);
        }
        assertRefused(deep.pad(64).toByteArray(), "arrays nested deeper than 8", 37 + 12 * 8);
        assertRefused(header(0, 1).str("general.alignment").u32(4).u32(24).pad(64).toByteArray(),
                "general.alignment 24 is not a power of two", 24);
        assertRefused(header(0, 1).str("k").u32(8).u64(100).raw("abc").pad(20).toByteArray(),
                "metadata 'k' length 100 is absurd: only 23 bytes follow", 37);
        assertRefused(header(0, 1).str("k").u32(4).pad(2).toByteArray(), "file truncated: metadata 'k' needs 4 bytes", 37);
    }

    /** A header with one metadata entry and one tensor info, the info starting at byte 24. */
    private static GgufWriter.Bytes tensorInfo(String name, long[] dims, long type, long offset) {
        GgufWriter.Bytes b = header(1, 0).str(name).u32(dims.length);
        for (long d : dims) {
            b.u64(d);
        }
        return b.u32(type).u64(offset);
    }

    @Test
    void refusesMalformedTensorInfos() {
        assertRefused(tensorInfo("w", new long[] {4}, 99, 0).toByteArray(), "tensor 'w' has unknown tensor type id 99", 45);
        assertRefused(tensorInfo("w", new long[0], 0, 0).pad(64).toByteArray(), "tensor 'w' has 0 dimensions", 33);
        assertRefused(header(1, 0).str("w").u32(5).pad(64).toByteArray(), "tensor 'w' has 5 dimensions", 33);
        assertRefused(tensorInfo("w", new long[] {1L << 40, 1L << 40}, 0, 0).toByteArray(),
                "tensor 'w' dimension 0 = 1099511627776 is absurd", 37);
        assertRefused(tensorInfo("w", new long[] {0}, 0, 0).toByteArray(), "dimension 0 = 0 is absurd", 37);
        assertRefused(tensorInfo("w", new long[] {33}, 8, 0).toByteArray(),
                "tensor 'w' of type Q8_0 has a row of 33 elements, not a multiple of its block size 32", 33);
        assertRefused(tensorInfo("w", new long[] {4}, 0, 3).toByteArray(),
                "tensor 'w' data offset 3 is not a multiple of the alignment 32", 49);
        assertRefused(tensorInfo("w", new long[] {4}, 0, 1L << 20).pad(100).toByteArray(),
                "tensor 'w' data [1048640, 1048656) lies past the end of the file (157 bytes)", 24);
        // data truncated: 4 floats need 16 bytes after the aligned data start (64)
        assertRefused(tensorInfo("w", new long[] {4}, 0, 0).pad(7 + 8).toByteArray(), "lies past the end", 24);
        GgufWriter.Bytes twice = header(2, 0);
        for (int i = 0; i < 2; i++) {
            twice.str("w").u32(1).u64(4).u32(0).u64(0);
        }
        assertRefused(twice.pad(100).toByteArray(), "duplicate tensor name 'w'", 24 + 33);
    }
}
