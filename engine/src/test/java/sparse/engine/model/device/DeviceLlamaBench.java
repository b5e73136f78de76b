package sparse.engine.model.device;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.methods.MethodSettings;
import sparse.engine.attention.methods.Methods;
import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;
import sparse.engine.model.gguf.GgmlType;
import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.gguf.GgufWriter;
import sparse.engine.model.llama.LlamaConfig;
import sparse.engine.model.llama.LlamaWeights;

/**
 * Decode speed of {@link DeviceLlama} on a random-weight model of a real model's shape,
 * written as GGUF (F16 matrices, F32 norms, tied head, no tokenizer) by the tests' own
 * {@link GgufWriter} unless the file is there already, then loaded through the normal GGUF
 * path. For each context and method: the cache's first CONTEXT positions are filled with
 * random fp16 keys and values written straight into the cache arrays ({@link DeviceLlama#fillCache};
 * no prefill), then WARMUP greedy steps, then STEPS greedy steps timed by the wall clock
 * (each step's logits back and its argmax on the host included).
 *
 * <pre>java ... sparse.engine.model.device.DeviceLlamaBench MODEL.gguf [--shape llama-1b|stories260k]
 *     [--device ID] [--contexts 4096,32768] [--methods dense,socket] [--density 0.05] [--steps 64] [--warmup 8]</pre>
 * Shapes: {@code llama-1b} (Llama 3.2 1B: dim 2048, 16 layers, 32 heads, 8 KV heads, head
 * size 64, feed-forward 8192, vocabulary 128256, RoPE base 500000; a 2.5 GB file) and
 * {@code stories260k} (the shape of stories260K, for a smoke test). Method {@code dense} is the
 * model's own dense attention; the others at {@code --density} (hardlsh has none).
 */
public final class DeviceLlamaBench {

    /** One timed run. */
    record Row(String method, int context, double msPerToken, double tokensPerSecond, double density,
               DeviceLlama.AttentionPath path) {
    }

    /** What a command line asks for. */
    record Options(Path model, String shape, String device, List<Integer> contexts, List<String> methods,
                   double density, int steps, int warmup) {
    }

    private DeviceLlamaBench() {
    }

    public static void main(String[] args) {
        try {
            run(parse(args), System.out);
        } catch (IllegalArgumentException e) {  // bad options, an unknown device, a file of another shape
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    static LlamaConfig shape(String name) {
        return switch (name) {
            case "llama-1b" -> new LlamaConfig(2048, 8192, 16, 32, 8, 64, 128256, 131072, 1e-5f, 500000f);
            case "stories260k" -> new LlamaConfig(64, 172, 5, 8, 4, 8, 512, 2048, 1e-5f, 10000f);
            default -> throw new IllegalArgumentException("--shape is llama-1b or stories260k, not " + name);
        };
    }

    static Options parse(String[] args) {
        if (args.length == 0 || args[0].startsWith("--")) {
            throw new IllegalArgumentException("usage: DeviceLlamaBench MODEL.gguf [--shape llama-1b|stories260k]"
                    + " [--device ID] [--contexts N,...] [--methods M,...] [--density D] [--steps N] [--warmup N]");
        }
        Options o = new Options(Path.of(args[0]), "llama-1b", "cuda:0", List.of(4096, 32768), List.of("dense", "socket"),
                0.05, 64, 8);
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String v = args[i + 1];
            o = switch (args[i]) {
                case "--shape" -> new Options(o.model(), v, o.device(), o.contexts(), o.methods(), o.density(), o.steps(),
                        o.warmup());
                case "--device" -> new Options(o.model(), o.shape(), v, o.contexts(), o.methods(), o.density(), o.steps(),
                        o.warmup());
                case "--contexts" -> new Options(o.model(), o.shape(), o.device(),
                        Arrays.stream(v.split(",")).map(c -> positive("--contexts", c)).toList(), o.methods(), o.density(),
                        o.steps(), o.warmup());
                case "--methods" -> new Options(o.model(), o.shape(), o.device(), o.contexts(),
                        Arrays.stream(v.split(",")).map(MethodSettings::checkName).toList(), o.density(), o.steps(),
                        o.warmup());
                case "--density" -> new Options(o.model(), o.shape(), o.device(), o.contexts(), o.methods(),
                        density(v), o.steps(), o.warmup());
                case "--steps" -> new Options(o.model(), o.shape(), o.device(), o.contexts(), o.methods(), o.density(),
                        positive("--steps", v), o.warmup());
                case "--warmup" -> new Options(o.model(), o.shape(), o.device(), o.contexts(), o.methods(), o.density(),
                        o.steps(), positive("--warmup", v));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            };
        }
        LlamaConfig c = shape(o.shape());
        for (int context : o.contexts()) {
            if ((long) context + o.warmup() + o.steps() > c.contextLength()) {
                throw new IllegalArgumentException("context " + context + " + " + o.warmup() + " + " + o.steps()
                        + " steps exceeds the " + o.shape() + " context length " + c.contextLength());
            }
        }
        return o;
    }

    /** Writes the model if absent, loads it, and runs every context and method; prints as it goes. */
    static List<Row> run(Options o, PrintStream out) {
        LlamaConfig shape = shape(o.shape());
        Device device = Backends.devices().stream().filter(d -> d.id().equals(o.device())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no device " + o.device() + " (here: "
                        + Backends.devices().stream().map(Device::id).toList() + ")"));
        try {
            long start = System.nanoTime();
            if (Files.exists(o.model())) {
                out.printf("model: %s exists (%.2f GB), reused%n", o.model(), Files.size(o.model()) / 1e9);
            } else {
                Files.createDirectories(o.model().toAbsolutePath().getParent());
                write(o.model(), o.shape(), shape);
                out.printf("model: %s written in %.1f s (%.2f GB): random F16 matrices, F32 norms, tied head, no"
                        + " tokenizer%n", o.model(), (System.nanoTime() - start) / 1e9, Files.size(o.model()) / 1e9);
            }
            start = System.nanoTime();
            LlamaConfig config;
            DeviceWeights weights;
            try (GgufFile file = GgufFile.open(o.model())) {
                config = LlamaConfig.fromGguf(file);
                if (!config.equals(shape)) {
                    throw new IllegalArgumentException(o.model() + " holds " + config + ", not the " + o.shape()
                            + " shape: remove it or name another file");
                }
                weights = DeviceWeights.read(file.path(), LlamaWeights.fromGguf(file, config));
            }
            out.printf("loaded in %.1f s: %s%n", (System.nanoTime() - start) / 1e9, config);
            out.printf("device: %s (%s)%n", device.id(), device.name());
            out.printf("each run: positions 0 .. CONTEXT-1 of the KV cache hold random fp16 keys and values (standard"
                    + " normal) written straight into the cache arrays, no prefill; %d warm-up steps, then %d greedy"
                    + " steps timed (wall clock; logits back and argmax on the host included); density over all"
                    + " %d steps%n", o.warmup(), o.steps(), o.warmup() + o.steps());
            List<Row> rows = new ArrayList<>();
            for (int context : o.contexts()) {
                for (String method : o.methods()) {
                    rows.add(time(config, weights, device, context, method, o, out));
                }
            }
            out.println();
            out.println("| method | context | ms/token | tok/s | density | attention |");
            out.println("|---|---|---|---|---|---|");
            for (Row r : rows) {
                out.printf("| %s | %d | %.3f | %.1f | %.4f | %s |%n", r.method(), r.context(), r.msPerToken(),
                        r.tokensPerSecond(), r.density(), r.path());
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Row time(LlamaConfig config, DeviceWeights weights, Device device, int context, String method,
                            Options o, PrintStream out) {
        AttentionMethod m = method.equals("dense") ? null
                : Methods.open(method, method.equals("hardlsh") ? 1 : o.density(), MethodSettings.defaults(), device);
        long start = System.nanoTime();
        try (DeviceLlama model = new DeviceLlama(config, weights, device, context + o.warmup() + o.steps(), m)) {
            model.fillCache(context, context);
            int token = 1;
            int pos = context;
            for (int i = 0; i < o.warmup(); i++) {  // the first uploads the weights, packs and hashes the filled cache
                token = argmax(model.forward(token, pos++));
            }
            out.printf("%s at %d: set up and warmed up in %.1f s%n", method, context, (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            float[] logits = null;
            for (int i = 0; i < o.steps(); i++) {
                logits = model.forward(token, pos++);
                token = argmax(logits);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            for (float x : logits) {
                if (!Float.isFinite(x)) {
                    throw new IllegalStateException(method + " at " + context + ": the last logits are not finite");
                }
            }
            return new Row(method, context, seconds * 1e3 / o.steps(), o.steps() / seconds, model.density(),
                    model.attentionPath());
        }
    }

    /** The random model as GGUF: matrices N(0, 1/columns) in F16, norms of ones. */
    private static void write(Path path, String name, LlamaConfig c) throws IOException {
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", "random " + name)
                .putUInt32("llama.context_length", c.contextLength())
                .putUInt32("llama.embedding_length", c.dim())
                .putUInt32("llama.feed_forward_length", c.hiddenDim())
                .putUInt32("llama.block_count", c.layers())
                .putUInt32("llama.attention.head_count", c.heads())
                .putUInt32("llama.attention.head_count_kv", c.kvHeads())
                .putUInt32("llama.rope.dimension_count", c.headSize())
                .putFloat32("llama.rope.freq_base", c.ropeBase())
                .putFloat32("llama.attention.layer_norm_rms_epsilon", c.rmsEps());
        SplittableRandom random = new SplittableRandom(1);
        int qDim = c.heads() * c.headSize(), kvDim = c.kvHeads() * c.headSize();
        matrix(w, random, "token_embd.weight", c.vocabularySize(), c.dim());
        for (int l = 0; l < c.layers(); l++) {
            String b = "blk." + l + ".";
            ones(w, b + "attn_norm.weight", c.dim());
            matrix(w, random, b + "attn_q.weight", qDim, c.dim());
            matrix(w, random, b + "attn_k.weight", kvDim, c.dim());
            matrix(w, random, b + "attn_v.weight", kvDim, c.dim());
            matrix(w, random, b + "attn_output.weight", c.dim(), qDim);
            ones(w, b + "ffn_norm.weight", c.dim());
            matrix(w, random, b + "ffn_gate.weight", c.hiddenDim(), c.dim());
            matrix(w, random, b + "ffn_up.weight", c.hiddenDim(), c.dim());
            matrix(w, random, b + "ffn_down.weight", c.dim(), c.hiddenDim());
        }
        ones(w, "output_norm.weight", c.dim());
        w.write(path);
    }

    /** A (rows, columns) F16 matrix streamed to the file: N(0, 1/columns) values drawn from a table (quick to fill). */
    private static void matrix(GgufWriter w, SplittableRandom random, String name, int rows, int columns) {
        SplittableRandom r = random.split();
        short[] table = new short[4096];
        for (int i = 0; i < table.length; i++) {
            table[i] = Float.floatToFloat16((float) (r.nextGaussian() / Math.sqrt(columns)));
        }
        w.streamedTensor(name, GgmlType.F16, new long[] {columns, rows}, buffer -> {
            while (buffer.hasRemaining()) {
                buffer.putShort(table[r.nextInt(table.length)]);
            }
        });
    }

    private static void ones(GgufWriter w, String name, int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        w.tensor(name, GgmlType.F32, new long[] {n}, a);
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(option + " takes positive integers, not " + value);
    }

    private static double density(String value) {
        try {
            double d = Double.parseDouble(value);
            if (d > 0 && d <= 1) {
                return d;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("--density is in (0, 1], not " + value);
    }
}
