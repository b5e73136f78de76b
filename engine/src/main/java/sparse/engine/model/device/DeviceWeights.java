package sparse.engine.model.device;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

import sparse.engine.model.gguf.Tensor;
import sparse.engine.model.llama.LlamaWeights;

/**
 * The weights of a Llama model in the arrays the device kernels take, read once from the GGUF
 * file (shapes as {@link LlamaWeights} checked them). A tied output head is the embedding's
 * own matrix, so a graph holds it once.
 *
 * @param tokenEmbedding (vocabulary, dim)
 * @param attentionNorm  (layer, dim)
 * @param wq             (layer) (heads * headSize, dim)
 * @param wk             (layer) (kvHeads * headSize, dim)
 * @param wv             (layer) (kvHeads * headSize, dim)
 * @param wo             (layer) (dim, heads * headSize)
 * @param ffnNorm        (layer, dim)
 * @param ffnGate        (layer) (hiddenDim, dim)
 * @param ffnUp          (layer) (hiddenDim, dim)
 * @param ffnDown        (layer) (dim, hiddenDim)
 * @param outputNorm     (dim)
 * @param output         (vocabulary, dim)
 */
public record DeviceWeights(WeightMatrix tokenEmbedding, float[][] attentionNorm, WeightMatrix[] wq, WeightMatrix[] wk,
                            WeightMatrix[] wv, WeightMatrix[] wo, float[][] ffnNorm, WeightMatrix[] ffnGate,
                            WeightMatrix[] ffnUp, WeightMatrix[] ffnDown, float[] outputNorm, WeightMatrix output) {

    /** Reads every matrix of {@code w} from {@code file}, the GGUF file it was loaded from. */
    public static DeviceWeights read(Path file, LlamaWeights w) {
        Map<Tensor, WeightMatrix> read = new IdentityHashMap<>();  // a tied head is read once
        java.util.function.Function<Tensor, WeightMatrix> matrix = t -> read.computeIfAbsent(t, x -> WeightMatrix.read(file, x));
        int layers = w.wq().length;
        WeightMatrix[] wq = new WeightMatrix[layers];
        WeightMatrix[] wk = new WeightMatrix[layers];
        WeightMatrix[] wv = new WeightMatrix[layers];
        WeightMatrix[] wo = new WeightMatrix[layers];
        WeightMatrix[] gate = new WeightMatrix[layers];
        WeightMatrix[] up = new WeightMatrix[layers];
        WeightMatrix[] down = new WeightMatrix[layers];
        for (int l = 0; l < layers; l++) {
            wq[l] = matrix.apply(w.wq()[l]);
            wk[l] = matrix.apply(w.wk()[l]);
            wv[l] = matrix.apply(w.wv()[l]);
            wo[l] = matrix.apply(w.wo()[l]);
            gate[l] = matrix.apply(w.ffnGate()[l]);
            up[l] = matrix.apply(w.ffnUp()[l]);
            down[l] = matrix.apply(w.ffnDown()[l]);
        }
        return new DeviceWeights(matrix.apply(w.tokenEmbedding()), w.attentionNorm(), wq, wk, wv, wo, w.ffnNorm(), gate,
                up, down, w.outputNorm(), matrix.apply(w.output()));
    }
}
