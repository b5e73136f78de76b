package sparse.engine.model.gguf;

/**
 * One metadata value.
 *
 * @param type   its type in the file
 * @param value  Long for every integer type (unsigned ones zero-extended; a UINT64 above
 *               2^63-1 reads as negative), Float, Double, Boolean, String, or a
 *               {@link GgufArray}
 * @param offset byte offset of its key-value entry in the file
 */
public record GgufValue(GgufValueType type, Object value, long offset) {
}
