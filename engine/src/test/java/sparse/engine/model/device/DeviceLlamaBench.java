package sparse.engine.model.device;

import java.util.SplittableRandom;

import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;
import sparse.engine.model.llama.LlamaConfig;

/**
 * Decode speed of {@link DeviceLlama} on a random model of a real model's shape (no file
 * needed): fills the cache to {@code context} tokens, then times {@code steps} more.
 *
 * <pre>java ... sparse.engine.model.device.DeviceLlamaBench DEVICE SHAPE FORMAT CONTEXT STEPS [GROUP]</pre>
 * SHAPE {@code llama-1b} (Llama 3.2 1B) or {@code llama-8b} (Llama 3 8B); FORMAT {@code q8} or {@code f16};
 * GROUP the matvec work-group size (default: the model's choice for the device).
 */
public final class DeviceLlamaBench {

    public static void main(String[] args) {
        String deviceId = args[0];
        LlamaConfig c = switch (args[1]) {
            case "llama-1b" -> new LlamaConfig(2048, 8192, 16, 32, 8, 64, 128256, 131072, 1e-5f, 500000f);
            case "llama-8b" -> new LlamaConfig(4096, 14336, 32, 32, 8, 128, 128256, 131072, 1e-5f, 500000f);
            default -> throw new IllegalArgumentException("shape llama-1b or llama-8b, not " + args[1]);
        };
        boolean q8 = args[2].equals("q8");
        int context = Integer.parseInt(args[3]);
        int steps = Integer.parseInt(args[4]);
        Device device = Backends.devices().stream().filter(d -> d.id().equals(deviceId)).findFirst().orElseThrow();

        long start = System.nanoTime();
        SplittableRandom r = new SplittableRandom(1);
        int qDim = c.heads() * c.headSize(), kvDim = c.kvHeads() * c.headSize();
        WeightMatrix[] wq = new WeightMatrix[c.layers()], wk = new WeightMatrix[c.layers()], wv = new WeightMatrix[c.layers()];
        WeightMatrix[] wo = new WeightMatrix[c.layers()], gate = new WeightMatrix[c.layers()];
        WeightMatrix[] up = new WeightMatrix[c.layers()], down = new WeightMatrix[c.layers()];
        float[][] attentionNorm = new float[c.layers()][], ffnNorm = new float[c.layers()][];
        long bytes = 0;
        for (int l = 0; l < c.layers(); l++) {
            wq[l] = matrix(r, q8, qDim, c.dim());
            wk[l] = matrix(r, q8, kvDim, c.dim());
            wv[l] = matrix(r, q8, kvDim, c.dim());
            wo[l] = matrix(r, q8, c.dim(), qDim);
            gate[l] = matrix(r, q8, c.hiddenDim(), c.dim());
            up[l] = matrix(r, q8, c.hiddenDim(), c.dim());
            down[l] = matrix(r, q8, c.dim(), c.hiddenDim());
            attentionNorm[l] = ones(c.dim());
            ffnNorm[l] = ones(c.dim());
            for (WeightMatrix m : new WeightMatrix[] {wq[l], wk[l], wv[l], wo[l], gate[l], up[l], down[l]}) {
                bytes += bytes(m);
            }
        }
        WeightMatrix embedding = matrix(r, q8, c.vocabularySize(), c.dim());
        bytes += bytes(embedding);  // the tied head reads it every step
        DeviceWeights w = new DeviceWeights(embedding, attentionNorm, wq, wk, wv, wo, ffnNorm, gate, up, down,
                ones(c.dim()), embedding);
        System.out.printf("%s %s: %.2f GB of weights read per token, made in %.1f s%n", args[1], args[2], bytes / 1e9,
                (System.nanoTime() - start) / 1e9);

        try (DeviceLlama model = args.length > 5
                ? new DeviceLlama(c, w, device, context + steps, null, Integer.parseInt(args[5]))
                : new DeviceLlama(c, w, device, context + steps, null)) {
            start = System.nanoTime();
            for (int pos = 0; pos < context; pos++) {
                model.forward(r.nextInt(c.vocabularySize()), pos);
            }
            double fill = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            for (int pos = context; pos < context + steps; pos++) {
                model.forward(r.nextInt(c.vocabularySize()), pos);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s %s group %s on %s (%s): %d tokens of context in %.1f s (first step uploads the weights);"
                            + " %d steps at %d-%d tokens: %.2f ms/token, %.1f tokens/s, %.0f GB/s of weights%n",
                    args[1], args[2], args.length > 5 ? args[5] : "default", device.id(), device.name(), context, fill, steps, context, context + steps,
                    seconds * 1e3 / steps, steps / seconds, bytes * steps / seconds / 1e9);
        }
    }

    private static WeightMatrix matrix(SplittableRandom r, boolean q8, int rows, int cols) {
        int n = rows * cols;
        if (q8) {
            short[] scales = new short[n / 32];
            int[] quants = new int[n / 4];
            for (int i = 0; i < quants.length; i++) {
                quants[i] = r.nextInt();
            }
            java.util.Arrays.fill(scales, Float.floatToFloat16((float) (1.7 / (127 * Math.sqrt(cols)))));
            return new WeightMatrix.Q8(rows, cols, scales, quants);
        }
        short[] table = new short[4096];  // N(0, 1/cols) values, drawn from by index: quick to fill
        for (int i = 0; i < table.length; i++) {
            table[i] = Float.floatToFloat16((float) (r.nextGaussian() / Math.sqrt(cols)));
        }
        int[] w = new int[n / 2];
        for (int i = 0; i < w.length; i++) {
            w[i] = (table[r.nextInt(table.length)] & 0xFFFF) | table[r.nextInt(table.length)] << 16;
        }
        return new WeightMatrix.F16(rows, cols, w);
    }

    private static long bytes(WeightMatrix m) {
        return switch (m) {
            case WeightMatrix.Q8 q -> 4L * q.quants().length + 2L * q.scales().length;
            case WeightMatrix.F16 f -> 4L * f.w().length;
            case WeightMatrix.Bf16 b -> 4L * b.w().length;
            case WeightMatrix.F32 f -> 4L * f.w().length;
        };
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}
