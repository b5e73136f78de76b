package sparse.engine.model.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;

/**
 * A GGUF file (versions 2 and 3), memory-mapped: the header is parsed on open, tensor data
 * stays in the mapping and is read in place through {@link Tensor}. Close it to unmap; tensors
 * taken from it are unusable afterwards.
 *
 * <p>Metadata getters throw {@link GgufFormatException} naming the key and the entry's byte
 * offset when a key is missing or holds the wrong type.
 */
public final class GgufFile implements AutoCloseable {

    /** Where metadata entries start: after magic, version and the two counts. */
    private static final long METADATA_START = 4 + 4 + 8 + 8;

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final Map<String, GgufTensorInfo> tensors;
    private final int alignment;
    private final long tensorInfoStart;
    private final long dataStart;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, GgufParser parsed) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.version = parsed.version;
        this.metadata = Collections.unmodifiableMap(parsed.metadata);
        this.tensors = Collections.unmodifiableMap(parsed.tensors);
        this.alignment = parsed.alignment;
        this.tensorInfoStart = parsed.tensorInfoStart;
        this.dataStart = parsed.dataStart;
    }

    /**
     * Maps and parses {@code path}.
     *
     * @throws IOException         the file cannot be opened or mapped
     * @throws GgufFormatException the file is not a GGUF file this reader understands
     */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            GgufParser parser = new GgufParser(mapping);
            parser.parse();
            return new GgufFile(path, arena, mapping, parser);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    /** Alignment of tensor data: {@code general.alignment}, 32 when absent. */
    public int alignment() {
        return alignment;
    }

    /** Absolute byte offset where tensor data starts. */
    public long dataStart() {
        return dataStart;
    }

    /** Every metadata entry, in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** Every tensor description, in file order. */
    public Collection<GgufTensorInfo> tensorInfos() {
        return tensors.values();
    }

    // ---------------------------------------------------------------- tensors

    public boolean hasTensor(String name) {
        return tensors.containsKey(name);
    }

    public GgufTensorInfo tensorInfo(String name) {
        GgufTensorInfo info = tensors.get(name);
        if (info == null) {
            throw new GgufFormatException("no tensor " + GgufFormatException.quote(name) + " among the " + tensors.size() + " tensors",
                    tensorInfoStart);
        }
        return info;
    }

    /**
     * The named tensor's data, read in place.
     *
     * @throws GgufFormatException the tensor is missing or of a type {@link Tensor} cannot read
     */
    public Tensor tensor(String name) {
        GgufTensorInfo info = tensorInfo(name);
        if (!info.type().isSupported()) {
            throw new GgufFormatException("tensor " + GgufFormatException.quote(name) + " has type " + info.type()
                    + ", which this reader does not support (supported: " + GgmlType.supportedNames() + ")",
                    info.infoOffset());
        }
        return Tensor.of(info, mapping.asSlice(info.dataOffset(), info.byteSize()));
    }

    // ---------------------------------------------------------------- metadata

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    /** A problem with the value of {@code key}, located at its entry (or the metadata start when absent). */
    public GgufFormatException error(String key, String problem) {
        GgufValue v = metadata.get(key);
        return new GgufFormatException("metadata " + GgufFormatException.quote(key) + " " + problem, v == null ? METADATA_START : v.offset());
    }

    public String string(String key) {
        return (String) require(key, GgufValueType.STRING).value();
    }

    public String string(String key, String absent) {
        return has(key) ? string(key) : absent;
    }

    /** An integer of any integer type (UINT64 above 2^63-1 is refused). */
    public long integer(String key) {
        GgufValue v = present(key);
        if (!v.type().isInteger()) {
            throw error(key, "has type " + v.type() + ", expected an integer");
        }
        long value = (Long) v.value();
        if (v.type() == GgufValueType.UINT64 && value < 0) {
            throw error(key, "= " + Long.toUnsignedString(value) + " is too large");
        }
        return value;
    }

    public long integer(String key, long absent) {
        return has(key) ? integer(key) : absent;
    }

    /** A FLOAT32 or FLOAT64 value, as float. */
    public float floatValue(String key) {
        GgufValue v = present(key);
        return switch (v.type()) {
            case FLOAT32 -> (Float) v.value();
            case FLOAT64 -> (float) (double) (Double) v.value();
            default -> throw error(key, "has type " + v.type() + ", expected a float");
        };
    }

    public float floatValue(String key, float absent) {
        return has(key) ? floatValue(key) : absent;
    }

    public boolean bool(String key, boolean absent) {
        return has(key) ? (Boolean) require(key, GgufValueType.BOOL).value() : absent;
    }

    public GgufArray array(String key) {
        return (GgufArray) require(key, GgufValueType.ARRAY).value();
    }

    public String[] stringArray(String key) {
        return (String[]) arrayOf(key, GgufValueType.STRING).values();
    }

    public float[] floatArray(String key) {
        return (float[]) arrayOf(key, GgufValueType.FLOAT32).values();
    }

    /** An array of any integer element type. */
    public long[] integerArray(String key) {
        GgufArray a = array(key);
        if (!a.elementType().isInteger()) {
            throw error(key, "is an array of " + a.elementType() + ", expected integers");
        }
        return (long[]) a.values();
    }

    private GgufArray arrayOf(String key, GgufValueType elementType) {
        GgufArray a = array(key);
        if (a.elementType() != elementType) {
            throw error(key, "is an array of " + a.elementType() + ", expected " + elementType);
        }
        return a;
    }

    private GgufValue present(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            throw error(key, "is missing");
        }
        return v;
    }

    private GgufValue require(String key, GgufValueType type) {
        GgufValue v = present(key);
        if (v.type() != type) {
            throw error(key, "has type " + v.type() + ", expected " + type);
        }
        return v;
    }

    @Override
    public void close() {
        arena.close();
    }
}
