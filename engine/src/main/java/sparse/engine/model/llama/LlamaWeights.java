package sparse.engine.model.llama;

import java.util.Arrays;

import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.gguf.GgufFormatException;
import sparse.engine.model.gguf.GgufTensorInfo;
import sparse.engine.model.gguf.Tensor;

/**
 * The weights of a Llama model, read in place from the GGUF file (norm weights copied out, as
 * they are small). Matrices are (rows, columns) = (outputs, inputs); GGUF writes the shape
 * the other way round, as [columns, rows].
 *
 * @param tokenEmbedding (vocabulary, dim)               token_embd.weight
 * @param attentionNorm  (layer, dim)                    blk.N.attn_norm.weight
 * @param wq             (layer) (heads * headSize, dim)   blk.N.attn_q.weight
 * @param wk             (layer) (kvHeads * headSize, dim) blk.N.attn_k.weight
 * @param wv             (layer) (kvHeads * headSize, dim) blk.N.attn_v.weight
 * @param wo             (layer) (dim, heads * headSize)   blk.N.attn_output.weight
 * @param ffnNorm        (layer, dim)                    blk.N.ffn_norm.weight
 * @param ffnGate        (layer) (hiddenDim, dim)         blk.N.ffn_gate.weight (w1)
 * @param ffnUp          (layer) (hiddenDim, dim)         blk.N.ffn_up.weight (w3)
 * @param ffnDown        (layer) (dim, hiddenDim)         blk.N.ffn_down.weight (w2)
 * @param outputNorm     (dim)                           output_norm.weight
 * @param output         (vocabulary, dim)               output.weight, or token_embd.weight when absent (tied)
 */
public record LlamaWeights(Tensor tokenEmbedding, float[][] attentionNorm, Tensor[] wq, Tensor[] wk, Tensor[] wv,
                           Tensor[] wo, float[][] ffnNorm, Tensor[] ffnGate, Tensor[] ffnUp, Tensor[] ffnDown,
                           float[] outputNorm, Tensor output) {

    public static LlamaWeights fromGguf(GgufFile file, LlamaConfig c) {
        long qDim = (long) c.heads() * c.headSize();
        long kvDim = (long) c.kvHeads() * c.headSize();
        int n = c.layers();
        float[][] attentionNorm = new float[n][];
        float[][] ffnNorm = new float[n][];
        Tensor[] wq = new Tensor[n];
        Tensor[] wk = new Tensor[n];
        Tensor[] wv = new Tensor[n];
        Tensor[] wo = new Tensor[n];
        Tensor[] ffnGate = new Tensor[n];
        Tensor[] ffnUp = new Tensor[n];
        Tensor[] ffnDown = new Tensor[n];
        for (int l = 0; l < n; l++) {
            String b = "blk." + l + ".";
            attentionNorm[l] = tensor(file, b + "attn_norm.weight", c.dim()).toFloatArray();
            wq[l] = tensor(file, b + "attn_q.weight", c.dim(), qDim);
            wk[l] = tensor(file, b + "attn_k.weight", c.dim(), kvDim);
            wv[l] = tensor(file, b + "attn_v.weight", c.dim(), kvDim);
            wo[l] = tensor(file, b + "attn_output.weight", qDim, c.dim());
            ffnNorm[l] = tensor(file, b + "ffn_norm.weight", c.dim()).toFloatArray();
            ffnGate[l] = tensor(file, b + "ffn_gate.weight", c.dim(), c.hiddenDim());
            ffnUp[l] = tensor(file, b + "ffn_up.weight", c.dim(), c.hiddenDim());
            ffnDown[l] = tensor(file, b + "ffn_down.weight", c.hiddenDim(), c.dim());
        }
        Tensor embedding = tensor(file, "token_embd.weight", c.dim(), c.vocabularySize());
        Tensor output = file.hasTensor("output.weight")
                ? tensor(file, "output.weight", c.dim(), c.vocabularySize())
                : embedding;
        return new LlamaWeights(embedding, attentionNorm, wq, wk, wv, wo, ffnNorm, ffnGate, ffnUp, ffnDown,
                tensor(file, "output_norm.weight", c.dim()).toFloatArray(), output);
    }

    /** The named tensor, refused unless its GGUF shape is exactly {@code shape}. */
    private static Tensor tensor(GgufFile file, String name, long... shape) {
        GgufTensorInfo info = file.tensorInfo(name);
        if (!Arrays.equals(info.shape(), shape)) {
            throw new GgufFormatException("tensor " + GgufFormatException.quote(name) + " has shape " + info.shapeString() + ", expected "
                    + Arrays.toString(shape), info.infoOffset());
        }
        return file.tensor(name);
    }
}
