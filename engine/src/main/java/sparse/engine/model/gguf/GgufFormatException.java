package sparse.engine.model.gguf;

/**
 * A GGUF file this reader cannot use: malformed (truncated, wrong magic, sizes past the end,
 * unknown value or tensor types) or well-formed but outside what the model code supports
 * (a tensor type it cannot compute with, a missing or misshapen tensor). The message is one
 * line naming what is wrong and the byte offset of the offending field.
 */
public final class GgufFormatException extends RuntimeException {

    private final long offset;

    public GgufFormatException(String problem, long offset) {
        super(oneLine(problem) + " (at byte " + offset + ")");
        this.offset = offset;
    }

    /**
     * A string from the file (a key, a tensor name, a value) quoted for a message: control
     * characters escaped, and cut after 80 characters, since a damaged length can make a
     * "name" of megabytes of binary.
     */
    public static String quote(String fromFile) {
        String s = fromFile.length() > 80 ? fromFile.substring(0, 80) + "...(" + fromFile.length() + " chars)" : fromFile;
        return "'" + oneLine(s) + "'";
    }

    private static String oneLine(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029 || c == 0x85) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Byte offset in the file of the field the problem was found in. */
    public long offset() {
        return offset;
    }
}
