package sparse.engine.model.gguf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sparse.engine.model.TestModels;
import sparse.engine.model.llama.Llama;
import sparse.engine.model.llama.LlamaState;
import sparse.engine.model.llama.TinyLlama;
import sparse.engine.model.sample.Sampler;
import sparse.engine.model.tokenizer.Tokenizer;

/**
 * Mutates a model file a few hundred ways (truncations, byte flips in the header, huge counts
 * and lengths, random type ids) and checks that each mutant either loads and runs a step or is
 * refused with a {@link GgufFormatException}: no other exception, no OutOfMemoryError.
 */
class GgufFuzzTest {

    @TempDir
    Path dir;

    private int loaded;
    private int refused;

    @Test
    void everyMutantLoadsOrIsRefusedCleanly() throws IOException {
        byte[] original;
        var stories = TestModels.find("stories260K.gguf");
        if (stories.isPresent()) {
            original = Files.readAllBytes(stories.get());
            System.out.println("fuzzing " + stories.get());
        } else {
            original = new TinyLlama(1, false).toGguf();
            System.out.println("fuzzing a tiny written model (stories260K.gguf absent)");
        }
        long seed = System.nanoTime();
        System.out.println("everyMutantLoadsOrIsRefusedCleanly seed " + seed);
        Random random = new Random(seed);
        Header header = Header.walk(original);
        check(original, "the original");
        assertTrue(loaded == 1, "the original loads");

        // truncations: every length through the fixed header, then spread over the rest
        for (int n = 0; n < 48; n++) {
            check(Arrays.copyOf(original, n), "truncated to " + n);
        }
        for (int i = 0; i < 80; i++) {
            int n = 48 + random.nextInt((int) header.end - 48);
            check(Arrays.copyOf(original, n), "truncated to " + n);
        }
        for (int i = 0; i < 20; i++) {
            int n = (int) header.end + random.nextInt(original.length - (int) header.end);
            check(Arrays.copyOf(original, n), "truncated to " + n + " (in tensor data)");
        }
        // random bytes in the header
        for (int i = 0; i < 200; i++) {
            byte[] b = original.clone();
            StringBuilder what = new StringBuilder("bytes changed:");
            for (int k = 0, n = 1 + random.nextInt(3); k < n; k++) {
                int at = random.nextInt((int) header.end);
                b[at] = random.nextBoolean() ? (byte) random.nextInt(256) : (byte) (b[at] ^ (1 << random.nextInt(8)));
                what.append(' ').append(at);
            }
            check(b, what.toString());
        }
        // huge or off-by-a-bit counts, lengths, dimensions and offsets
        long[] huge = {-1L, Long.MAX_VALUE, 1L << 62, 1L << 40, 1L << 32, Integer.MAX_VALUE, original.length,
                original.length + 1L};
        for (int i = 0; i < 80; i++) {
            long at = header.u64Fields.get(random.nextInt(header.u64Fields.size()));
            long value = random.nextInt(4) == 0 ? read64(original, at) + random.nextInt(64) - 32
                    : huge[random.nextInt(huge.length)];
            byte[] b = original.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) at, value);
            check(b, "u64 at " + at + " set to " + Long.toUnsignedString(value));
        }
        // value, element and tensor type ids
        for (int i = 0; i < 60; i++) {
            long at = header.typeFields.get(random.nextInt(header.typeFields.size()));
            int value = random.nextInt(5) == 0 ? random.nextInt() : random.nextInt(45);
            byte[] b = original.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, value);
            check(b, "type id at " + at + " set to " + value);
        }
        System.out.println("mutants: " + loaded + " loaded (original included), " + refused + " refused");
        assertTrue(refused > 100, "the mutations reach the checks: " + refused + " refused");
    }

    private static long read64(byte[] b, long at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong((int) at);
    }

    /** Loads the mutant as the engine would and runs one step, or expects a GgufFormatException. */
    private void check(byte[] bytes, String mutation) throws IOException {
        Path p = Files.write(dir.resolve("mutant.gguf"), bytes);
        try (GgufFile file = GgufFile.open(p)) {
            Llama model = Llama.load(file);
            Tokenizer tokenizer = Tokenizer.fromGguf(file);
            LlamaState state = model.newState(Math.min(4, model.config().contextLength()));
            int[] prompt = tokenizer.encode("Once upon a time", true);
            float[] logits = model.forward(state, prompt[0], 0);
            tokenizer.decode(new int[] {prompt[0], Sampler.greedy().sample(logits)});
            loaded++;
        } catch (GgufFormatException e) {
            if (e.getMessage().contains("\n")) {
                fail(mutation + ": message of more than one line: " + e.getMessage());
            }
            if (refused++ % 40 == 0) {
                System.out.println("  e.g. " + mutation + " -> " + e.getMessage());
            }
        } catch (Throwable t) {
            throw new AssertionError(mutation + ": " + t, t);
        }
    }

    /** Offsets of the header's u64 counts/lengths/dims/offsets and u32 type ids, found by walking it. */
    private record Header(List<Long> u64Fields, List<Long> typeFields, long end) {

        static Header walk(byte[] file) {
            ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
            List<Long> u64 = new ArrayList<>();
            List<Long> types = new ArrayList<>();
            b.position(8);
            u64.add(8L);
            long tensors = b.getLong();
            u64.add(16L);
            long entries = b.getLong();
            for (long i = 0; i < entries; i++) {
                skipString(b, u64);
                types.add((long) b.position());
                skipValue(b, b.getInt(), u64, types);
            }
            for (long i = 0; i < tensors; i++) {
                skipString(b, u64);
                int dims = b.getInt();
                for (int d = 0; d < dims; d++) {
                    u64.add((long) b.position());
                    b.getLong();
                }
                types.add((long) b.position());
                b.getInt();
                u64.add((long) b.position());
                b.getLong();
            }
            return new Header(u64, types, b.position());
        }

        private static void skipString(ByteBuffer b, List<Long> u64) {
            u64.add((long) b.position());
            long n = b.getLong();
            b.position(b.position() + (int) n);
        }

        private static void skipValue(ByteBuffer b, int type, List<Long> u64, List<Long> types) {
            switch (type) {
                case 0, 1, 7 -> b.get();
                case 2, 3 -> b.getShort();
                case 4, 5, 6 -> b.getInt();
                case 10, 11, 12 -> b.getLong();
                case 8 -> skipString(b, u64);
                case 9 -> {
                    types.add((long) b.position());
                    int elementType = b.getInt();
                    u64.add((long) b.position());
                    long n = b.getLong();
                    for (long i = 0; i < n; i++) {
                        skipValue(b, elementType, u64, types);
                    }
                }
                default -> throw new IllegalArgumentException("type " + type);
            }
        }
    }
}
