package sparse.engine.attention.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import sparse.engine.attention.LayerCache;
import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.llama.Attention;
import sparse.engine.model.llama.DenseAttention;
import sparse.engine.model.llama.Llama;
import sparse.engine.model.llama.LlamaConfig;
import sparse.engine.model.llama.LlamaState;
import sparse.engine.model.tokenizer.Tokenizer;

/**
 * Activations captured from a real model: the plain-Java Llama forward (dense attention) runs
 * over {@link #TEXT}, a short story written for this harness in the simple English of the
 * TinyStories models, and each layer keeps the post-RoPE queries of the last Tq positions (and
 * of every earlier one, for prefills) and, at the end, its key and value cache. When the text has fewer tokens than T, the model's own
 * greedy continuation fills the rest. One {@link WorkloadLayer} per model layer.
 */
public final class CapturedWorkload {

    /** The model {@code sparse eval --workload captured} uses when given none. */
    public static final String DEFAULT_MODEL = "stories260K.gguf";

    /** Plain English prose written for this harness (no third-party text). */
    static final String TEXT = """
            Once upon a time, in a small town by the sea, there lived a little girl named Lily. \
            Lily loved to play outside with her dog, Max. Every morning they ran to the beach to look \
            for shells. One day Lily found a big blue shell. It was shiny and pretty. She showed it to \
            her mom. "Look, Mom! I found a big blue shell!" Her mom smiled and said, "That is a very \
            special shell, Lily. Keep it safe."

            The next day it rained. Lily was sad because she could not go to the beach. She sat by the \
            window and watched the rain fall. Max came and sat next to her. He licked her hand and \
            wagged his tail. Lily laughed. "You are right, Max. We can play inside today." They built a \
            fort with pillows and blankets. Inside the fort, Lily told Max a story about a brave fish \
            who swam all the way to the moon.

            When the sun came back, Lily and Max went to the park. There they met a boy named Tim. Tim \
            had a red ball. "Do you want to play with me?" Tim asked. Lily said yes, and they threw the \
            ball to each other. Max ran after the ball and barked. The ball rolled under a big tree. \
            Under the tree was a little bird with a hurt wing. Lily and Tim were worried. They wanted \
            to help the bird.

            Lily took the bird home in her hat. Her mom gave the bird some water and a soft bed in a \
            box. Every day Lily gave the bird food and talked to it. She named the bird Sunny because \
            it had yellow feathers. After many days, Sunny's wing was better. Sunny flew around the \
            room and sang a happy song. Lily knew it was time to let Sunny go.

            Lily, Tim and Max went back to the park with Sunny. Lily opened her hands and Sunny flew up \
            into the sky. Sunny flew in a big circle and then sat on the tree where they had found \
            him. He sang to them. Lily felt happy and a little sad. Her mom hugged her and said, "You \
            were very kind, Lily. Kindness makes the world a better place."

            From that day on, Sunny came to visit Lily every morning. He sat on her window and sang. \
            Lily would smile and wave at him. Tim came to play every day too, and Max always wanted to \
            chase the red ball. In the summer, the three friends went to the beach together. They \
            built a big sand castle with towers and a little door. Tim found a crab and Lily found \
            another blue shell, just like the first one. She put the two shells side by side on her \
            shelf. Every night before bed, she looked at them and thought about the sea, the rain, \
            the bird and her good friends. And she was very happy.

            When autumn came, the leaves on the big tree turned red and orange. Lily and Tim jumped in \
            the piles of leaves and laughed. Max hid under the leaves, and only his tail stuck out. \
            "Where is Max?" Tim asked with a grin. Lily pointed at the wagging tail, and they both \
            laughed so hard that they fell down. Sunny watched them from a branch and sang his song.

            One cold morning, Lily woke up and saw that Sunny was not at her window. She looked in the \
            garden, but he was not there. She looked in the park, but he was not there either. Lily felt \
            worried. She asked her mom, "Where did Sunny go?" Her mom sat down next to her and said, \
            "Birds fly to warm places when the days get cold. Sunny will come back in the spring." Lily \
            was sad, but she understood.

            All winter long, Lily made pictures of Sunny. She drew him with yellow crayons and put the \
            pictures on the wall. Tim helped her make a little bird house out of wood. They painted it \
            blue, like the shells on her shelf. Her dad put the bird house on the big tree in the \
            garden. "Now Sunny will have a home when he comes back," said Lily.

            The snow fell, and the town turned white. Lily and Tim made a snowman with a carrot nose and \
            two black buttons for eyes. Max barked at the snowman because he did not know what it was. \
            Then he sniffed it and ate the carrot. Lily and Tim laughed and got a new carrot from the \
            kitchen. In the evening they drank warm milk and read books by the fire.

            At last the spring came. The snow melted, the grass grew green and the flowers opened in the \
            sun. Every morning Lily looked out of her window. One day she heard a happy song. She ran \
            outside, and there was Sunny, sitting on the blue bird house! Next to him sat another little \
            bird with brown feathers. Lily clapped her hands. "Sunny, you came back, and you brought a \
            friend!"

            Soon there were three small eggs in the bird house. Lily and Tim watched from far away, \
            because they did not want to scare the birds. After some days, the eggs opened and three \
            baby birds came out. They were very small and very loud. Sunny and his friend flew back and \
            forth all day to bring them food. Lily thought that they were the best parents in the whole \
            world.

            The baby birds grew bigger and bigger. One warm day, they stood at the little door of the \
            bird house and looked down. They were scared to fly. Sunny sang to them, and his friend flew \
            a small circle around the tree. Then the first baby bird jumped and flapped its wings. It \
            flew! The second one flew too, and then the third. Lily and Tim cheered, and Max ran in \
            circles on the grass.

            That night, Lily told her mom about the baby birds. "They were scared, but they tried \
            anyway," she said. Her mom kissed her on the head and said, "That is what being brave means. \
            You can be scared and still try." Lily thought about that for a long time. She remembered \
            the day she first went to school, and the day she learned to swim in the sea. She had been \
            scared then, too, and she had tried anyway.

            The next summer, Lily and her family went on a trip to the mountains. The mountains were \
            very tall, and the air was fresh and cool. Lily saw a big lake with clear water and many \
            fish. She saw a deer with a baby deer drinking from the lake. Max wanted to run after the \
            deer, but Lily held him close. "We must let the animals be," she said softly. The deer \
            looked at them for a moment and then walked into the trees.

            When they came home, Tim was waiting for them at the gate. He had a big smile and a box in \
            his hands. "I made something for you," he said. Lily opened the box. Inside was a little \
            wooden boat with a white sail. On the sail, Tim had painted a yellow bird. Lily hugged Tim \
            and said thank you. The next day, they took the boat to the beach and watched it sail on the \
            small waves.

            Years went by, and Lily grew up. She still lived in the small town by the sea, and she still \
            walked on the beach every morning. Max was an old dog now, and he walked slowly beside her. \
            Tim was still her best friend. And every spring, a yellow bird came to sing at her window. \
            Lily never knew if it was Sunny or one of his children, but it did not matter. The song was \
            always the same, and it always made her smile.
            """;

    private CapturedWorkload() {
    }

    /**
     * Opens the GGUF model at {@code modelFile} and captures up to {@code context} tokens (capped
     * at the model's context length) with {@code queries} decode queries per layer.
     */
    public static Workload capture(Path modelFile, int context, int queries) {
        if (!Files.isRegularFile(modelFile)) {
            throw new WorkloadException(modelFile + ": " + (Files.exists(modelFile) ? "not a file" : "no such file"));
        }
        try (GgufFile file = GgufFile.open(modelFile)) {
            Llama model = Llama.load(file);
            Tokenizer tokenizer = Tokenizer.fromGguf(file);
            int t = Math.min(context, model.config().contextLength());
            int[] tokens = tokens(model, tokenizer, t);
            int textTokens = Math.min(t, tokenizer.encode(TEXT, tokenizer.addsBos()).length);
            String source = "captured(" + modelFile.getFileName() + ", T=" + t + ", Tq=" + queries + ", built-in text"
                    + (textTokens < t ? " " + textTokens + " tokens + greedy " + (t - textTokens) : "") + ")";
            return new Workload(source, capture(model, tokens, queries));
        } catch (IOException e) {
            throw new WorkloadException(modelFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * The {@code length} tokens the capture runs: {@link #TEXT} (after BOS when the tokenizer
     * asks for it), then, if the text is shorter, the model's greedy continuation.
     */
    public static int[] tokens(Llama model, Tokenizer tokenizer, int length) {
        if (length < 1 || length > model.config().contextLength()) {
            throw new WorkloadException("captured: context " + length + " outside [1, the model's context length "
                    + model.config().contextLength() + "]");
        }
        int[] text = tokenizer.encode(TEXT, tokenizer.addsBos());
        if (text.length >= length) {
            return Arrays.copyOf(text, length);
        }
        int[] tokens = Arrays.copyOf(text, length);
        LlamaState state = model.newState(length);
        float[] logits = null;
        for (int pos = 0; pos < length - 1; pos++) {
            logits = model.forward(state, tokens[pos], pos);
            if (pos + 1 >= text.length) {
                tokens[pos + 1] = argmax(logits);
            }
        }
        return tokens;
    }

    /**
     * Runs {@code tokens} through {@code model} with dense attention and returns each layer's
     * keys and values of all {@code tokens.length} positions, the queries of the last
     * {@code queries} positions and, as prefill queries, those of every earlier one.
     */
    public static List<WorkloadLayer> capture(Llama model, int[] tokens, int queries) {
        LlamaConfig c = model.config();
        int t = tokens.length;
        if (queries < 1 || queries > t) {
            throw new WorkloadException("captured: queries " + queries + " outside [1, context " + t + "]");
        }
        QueryRecorder recorder = new QueryRecorder(c.layers(), c.heads() * c.headSize(), t);
        Llama capturing = model.withAttention(recorder);
        LlamaState state = capturing.newState(t);
        for (int pos = 0; pos < t; pos++) {
            recorder.position = pos;
            capturing.forward(state, tokens[pos], pos);
        }
        List<WorkloadLayer> layers = new ArrayList<>();
        for (int l = 0; l < c.layers(); l++) {
            // the state's capacity is t, so its cache is already (hkv, t, d)
            LayerCache cache = state.layerCache(l, t);
            int prefix = t - queries;
            float[] all = recorder.q[l];
            float[] decode = Arrays.copyOfRange(all, prefix * c.heads() * c.headSize(), all.length);
            layers.add(new WorkloadLayer(c.heads(), c.kvHeads(), c.headSize(), t, queries, cache.k().clone(),
                    cache.v().clone(), decode, prefix > 0 ? byHead(all, prefix, c.heads(), c.headSize()) : null));
        }
        return layers;
    }

    /**
     * The model in {@code SPARSE_MODELS} (a folder) or else {@code ../shared/models} from the
     * working directory (the repository root, where {@code ./sparse} runs).
     *
     * @throws WorkloadException naming the folders searched, when it is in none
     */
    public static Path defaultModel() {
        String env = System.getenv("SPARSE_MODELS");
        List<Path> folders = env != null ? List.of(Path.of(env)) : List.of(Path.of("../shared/models"));
        for (Path dir : folders) {
            Path p = dir.resolve(DEFAULT_MODEL);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new WorkloadException("captured: no --model given and " + DEFAULT_MODEL + " not found in "
                + folders.stream().map(p -> p.toAbsolutePath().normalize()).toList() + " (set SPARSE_MODELS=DIR or pass --model FILE)");
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The first {@code positions} rows of (positions, heads, d) as (heads, positions, d). */
    private static float[] byHead(float[] byPosition, int positions, int heads, int d) {
        float[] out = new float[heads * positions * d];
        for (int n = 0; n < positions; n++) {
            for (int h = 0; h < heads; h++) {
                System.arraycopy(byPosition, (n * heads + h) * d, out, (h * positions + n) * d, d);
            }
        }
        return out;
    }

    /** Dense attention that copies the queries of every position per layer. */
    private static final class QueryRecorder implements Attention {
        private final Attention dense = new DenseAttention();
        private final int width;
        final float[][] q; // (layer) (positions, heads, d)
        int position;

        QueryRecorder(int layers, int width, int positions) {
            this.width = width;
            this.q = new float[layers][positions * width];
        }

        @Override
        public void attend(int layer, float[] query, int heads, LayerCache cache, float[] out) {
            System.arraycopy(query, 0, q[layer], position * width, width);
            dense.attend(layer, query, heads, cache, out);
        }
    }
}
