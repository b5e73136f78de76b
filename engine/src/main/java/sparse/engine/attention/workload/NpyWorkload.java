package sparse.engine.attention.workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A one-layer workload saved from a real model as three NumPy files in one folder:
 * <pre>
 *   q.npy  (Hq,  Tq, D)  post-RoPE queries of the last Tq positions
 *   k.npy  (Hkv, T,  D)  post-RoPE keys
 *   v.npy  (Hkv, T,  D)  values
 * </pre>
 * float32 or float16, little-endian, C order. Query {@code i} of q.npy is the query at
 * position {@code T − Tq + i}. Keys and values are held as fp16 like the engine's cache
 * (float32 data is rounded). Spelled {@code npy:DIR} on the command line.
 */
public final class NpyWorkload {

    private NpyWorkload() {
    }

    /** Reads {@code dir}/q.npy, k.npy and v.npy; any fault is a one-line {@link WorkloadException}. */
    public static Workload load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new WorkloadException(dir + ": not a folder (npy:DIR wants a folder holding q.npy, k.npy, v.npy)");
        }
        NpyFile q = NpyFile.open(dir.resolve("q.npy"), 3);
        NpyFile k = NpyFile.open(dir.resolve("k.npy"), 3);
        NpyFile v = NpyFile.open(dir.resolve("v.npy"), 3);
        if (!Arrays.equals(k.shape, v.shape)) {
            throw new WorkloadException(v.path + ": shape " + NpyFile.shapeText(v.shape) + " differs from "
                    + k.path.getFileName() + "'s " + NpyFile.shapeText(k.shape));
        }
        int hq = q.shape[0];
        int tq = q.shape[1];
        int hkv = k.shape[0];
        int t = k.shape[1];
        int d = k.shape[2];
        if (q.shape[2] != d) {
            throw new WorkloadException(q.path + ": head dim " + q.shape[2] + " differs from k.npy's " + d);
        }
        if (hq % hkv != 0) {
            throw new WorkloadException(q.path + ": " + hq + " query heads is not a multiple of k.npy's " + hkv
                    + " key/value heads");
        }
        if (tq > t) {
            throw new WorkloadException(q.path + ": " + tq + " queries, more than k.npy's " + t + " tokens");
        }
        float[] byHead = q.readFloats();
        // (hq, tq, d) -> (tq, hq, d)
        float[] queries = new float[byHead.length];
        for (int h = 0; h < hq; h++) {
            for (int s = 0; s < tq; s++) {
                System.arraycopy(byHead, (h * tq + s) * d, queries, (s * hq + h) * d, d);
            }
        }
        WorkloadLayer layer = new WorkloadLayer(hq, hkv, d, t, tq, k.readHalves(), v.readHalves(), queries);
        return new Workload("npy:" + dir, List.of(layer));
    }
}
