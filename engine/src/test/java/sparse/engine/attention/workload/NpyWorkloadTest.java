package sparse.engine.attention.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

class NpyWorkloadTest {

    @TempDir
    Path dir;

    private final long seed = new Random().nextLong();
    private final Random rng = new Random(seed);

    @BeforeEach
    void printSeed(TestInfo test) {
        System.out.println(getClass().getSimpleName() + "." + test.getDisplayName() + " seed = " + seed);
    }

    @Test
    void readsFloat32AndFloat16InEveryFormatVersion() throws IOException {
        int hq = 4, hkv = 2, tq = 3, t = 5, d = 6;
        float[] q = randoms(hq * tq * d);
        float[] k = randoms(hkv * t * d);
        float[] v = randoms(hkv * t * d);
        for (int version = 1; version <= 3; version++) {
            writeNpy(dir.resolve("q.npy"), "<f4", false, new long[] {hq, tq, d}, f32(q), version);
            writeNpy(dir.resolve("k.npy"), "<f2", false, new long[] {hkv, t, d}, f16(k), version);
            writeNpy(dir.resolve("v.npy"), "<f4", false, new long[] {hkv, t, d}, f32(v), version);
            Workload w = NpyWorkload.load(dir);
            assertEquals(1, w.layers().size());
            WorkloadLayer l = w.layers().get(0);
            assertEquals(hq, l.hq());
            assertEquals(hkv, l.hkv());
            assertEquals(d, l.d());
            assertEquals(t, l.t());
            assertEquals(tq, l.tq());
            assertTrue(w.source().startsWith("npy:"));
            // queries are regrouped by step: (hq, tq, d) -> (tq, hq, d)
            for (int h = 0; h < hq; h++) {
                for (int s = 0; s < tq; s++) {
                    for (int i = 0; i < d; i++) {
                        assertEquals(q[(h * tq + s) * d + i], l.q()[(s * hq + h) * d + i]);
                    }
                }
            }
            for (int i = 0; i < k.length; i++) {
                assertEquals(Float.floatToFloat16(k[i]), l.k()[i]);
                assertEquals(Float.floatToFloat16(v[i]), l.v()[i]);
            }
            assertEquals(t - tq + 1, l.visible(0));
            assertEquals(t, l.visible(tq - 1));
        }
    }

    @Test
    void aWorkloadIsNamedSyntheticOrNpyDir() throws IOException {
        writeValid(4, 2, 3, 5, 6);
        SyntheticParams small = SyntheticParams.defaults(seed).withContext(64).withQueries(2).withLayers(1).withHeads(2, 1, 8);
        assertEquals("npy:" + dir, Workload.open("npy:" + dir, small).source());
        assertEquals(64, Workload.open("synthetic", small).layers().get(0).t());
        assertEquals("unknown workload 'npz:x' (want synthetic, captured or npy:DIR)",
                assertThrows(WorkloadException.class, () -> Workload.open("npz:x", small)).getMessage());
    }

    @Test
    void malformedFilesGiveOneLineErrorsNamingTheFile() throws IOException {
        writeValid(4, 2, 3, 5, 6);
        assertFault("k.npy", "bad magic", () -> Files.write(dir.resolve("k.npy"), "not an npy file at all".getBytes()));

        writeValid(4, 2, 3, 5, 6);
        assertFault("q.npy", "unsupported dtype '<f8'",
                () -> writeNpy(dir.resolve("q.npy"), "<f8", false, new long[] {4, 3, 6}, new byte[4 * 3 * 6 * 8], 1));

        writeValid(4, 2, 3, 5, 6);
        assertFault("v.npy", "unsupported dtype '>f4'",
                () -> writeNpy(dir.resolve("v.npy"), ">f4", false, new long[] {2, 5, 6}, new byte[2 * 5 * 6 * 4], 1));

        writeValid(4, 2, 3, 5, 6);
        assertFault("k.npy", "Fortran order",
                () -> writeNpy(dir.resolve("k.npy"), "<f4", true, new long[] {2, 5, 6}, f32(randoms(60)), 1));

        writeValid(4, 2, 3, 5, 6);
        assertFault("v.npy", "differs from k.npy",
                () -> writeNpy(dir.resolve("v.npy"), "<f4", false, new long[] {2, 4, 6}, f32(randoms(48)), 1));

        writeValid(4, 2, 3, 5, 6);
        assertFault("q.npy", "not a multiple",
                () -> writeNpy(dir.resolve("q.npy"), "<f4", false, new long[] {3, 3, 6}, f32(randoms(54)), 1));

        writeValid(4, 2, 3, 5, 6);
        assertFault("q.npy", "head dim 8 differs",
                () -> writeNpy(dir.resolve("q.npy"), "<f4", false, new long[] {4, 3, 8}, f32(randoms(96)), 1));

        writeValid(4, 2, 3, 5, 6);
        assertFault("q.npy", "7 queries, more than",
                () -> writeNpy(dir.resolve("q.npy"), "<f4", false, new long[] {4, 7, 6}, f32(randoms(168)), 1));

        writeValid(4, 2, 3, 5, 6);
        assertFault("k.npy", "truncated data", () -> {
            Path k = dir.resolve("k.npy");
            byte[] all = Files.readAllBytes(k);
            Files.write(k, Arrays.copyOf(all, all.length - 7));
        });

        writeValid(4, 2, 3, 5, 6);
        assertFault("k.npy", "bytes after the data", () -> {
            Path k = dir.resolve("k.npy");
            byte[] all = Files.readAllBytes(k);
            Files.write(k, Arrays.copyOf(all, all.length + 4));
        });

        writeValid(4, 2, 3, 5, 6);
        assertFault("k.npy", "truncated: the file ends inside the header", () -> {
            Path k = dir.resolve("k.npy");
            Files.write(k, Arrays.copyOf(Files.readAllBytes(k), 30));
        });

        writeValid(4, 2, 3, 5, 6);
        assertFault("v.npy", "expected 3 dimensions",
                () -> writeNpy(dir.resolve("v.npy"), "<f4", false, new long[] {10, 6}, f32(randoms(60)), 1));

        writeValid(4, 2, 3, 5, 6);
        assertFault("v.npy", "unsupported NPY format version 4",
                () -> writeNpy(dir.resolve("v.npy"), "<f4", false, new long[] {2, 5, 6}, f32(randoms(60)), 4));

        writeValid(4, 2, 3, 5, 6);
        assertFault("k.npy", "malformed header",
                () -> writeHeader(dir.resolve("k.npy"), "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 5, 6), }",
                        f32(randoms(60)), 1));

        writeValid(4, 2, 3, 5, 6);
        assertFault("k.npy", "header lacks 'shape'",
                () -> writeHeader(dir.resolve("k.npy"), "{'descr': '<f4', 'fortran_order': False, }", f32(randoms(60)), 1));

        writeValid(4, 2, 3, 5, 6);
        assertFault("k.npy", "overflows fp16", () -> {
            float[] k = randoms(60);
            k[13] = 1e6f;
            writeNpy(dir.resolve("k.npy"), "<f4", false, new long[] {2, 5, 6}, f32(k), 1);
        });

        writeValid(4, 2, 3, 5, 6);
        assertFault("q.npy", "non-finite value at [0, 0, 2]", () -> {
            float[] q = randoms(72);
            q[2] = Float.NaN;
            writeNpy(dir.resolve("q.npy"), "<f4", false, new long[] {4, 3, 6}, f32(q), 1);
        });

        writeValid(4, 2, 3, 5, 6);
        assertFault("v.npy", "no such file", () -> Files.delete(dir.resolve("v.npy")));

        WorkloadException notDir = assertThrows(WorkloadException.class, () -> NpyWorkload.load(dir.resolve("absent")));
        assertTrue(notDir.getMessage().contains("not a folder"), notDir.getMessage());
    }

    private interface Damage {
        void apply() throws IOException;
    }

    private void assertFault(String file, String what, Damage damage) throws IOException {
        damage.apply();
        WorkloadException e = assertThrows(WorkloadException.class, () -> NpyWorkload.load(dir));
        String m = e.getMessage();
        assertTrue(m.startsWith(dir.resolve(file).toString() + ":"), m);
        assertTrue(m.contains(what), m);
        assertFalse(m.contains("\n"), m);
    }

    private void writeValid(int hq, int hkv, int tq, int t, int d) throws IOException {
        writeNpy(dir.resolve("q.npy"), "<f4", false, new long[] {hq, tq, d}, f32(randoms(hq * tq * d)), 1);
        writeNpy(dir.resolve("k.npy"), "<f4", false, new long[] {hkv, t, d}, f32(randoms(hkv * t * d)), 1);
        writeNpy(dir.resolve("v.npy"), "<f4", false, new long[] {hkv, t, d}, f32(randoms(hkv * t * d)), 1);
    }

    private float[] randoms(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        return a;
    }

    private static byte[] f32(float[] a) {
        ByteBuffer b = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : a) {
            b.putFloat(x);
        }
        return b.array();
    }

    private static byte[] f16(float[] a) {
        ByteBuffer b = ByteBuffer.allocate(a.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : a) {
            b.putShort(Float.floatToFloat16(x));
        }
        return b.array();
    }

    /** Writes an .npy file as NumPy does: the header dict padded with spaces to a multiple of 64. */
    static void writeNpy(Path path, String descr, boolean fortran, long[] shape, byte[] data, int version)
            throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long s : shape) {
            dims.append(s).append(", ");
        }
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, dims.length() - 2) + ")";
        writeHeader(path, "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
                + ", 'shape': " + tuple + ", }", data, version);
    }

    static void writeHeader(Path path, String dict, byte[] data, int version) throws IOException {
        int pre = version == 1 ? 10 : 12;
        StringBuilder header = new StringBuilder(dict);
        while ((pre + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] h = header.toString().getBytes(version == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(pre + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) version).put((byte) 0);
        if (version == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        b.put(h).put(data);
        Files.write(path, b.array());
    }
}
