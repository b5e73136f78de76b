package sparse.engine.backend;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sparse.tasks.lang.KernelSpec;

/**
 * A kernel the device's compiler rejected. The message holds the driver's log, and for each
 * generated line the log names, that line's text and the Java file and line it came from.
 */
public final class KernelCompileException extends BackendException {
    /** clang and PoCL style: {@code <file>:LINE:COL:}. */
    private static final Pattern CLANG_POSITION = Pattern.compile("([^\\s:()]+):(\\d{1,9}):(\\d+):");
    /** NVRTC style: {@code <file>(LINE):}. */
    private static final Pattern NVRTC_POSITION = Pattern.compile("([^\\s:()]*)\\((\\d{1,9})\\):");
    /** A long log names the same few lines again and again; list at most this many. */
    private static final int MAX_LINES_SHOWN = 20;

    public KernelCompileException(String message) {
        super(message);
    }

    /**
     * The exception for {@code spec}'s program in {@code dialect} ("OpenCL C", "CUDA C"):
     * the compiler's log, then each generated line the log names with the Java line it came from.
     */
    public static KernelCompileException of(KernelSpec spec, String dialect, KernelSpec.Source source, String driverLog) {
        String log = driverLog == null ? "" : driverLog.strip();
        StringBuilder b = new StringBuilder();
        b.append("the ").append(dialect).append(" compiler rejected kernel ")
                .append(spec.kernelClass()).append('.').append(spec.name()).append(':');
        b.append('\n').append(log.isEmpty() ? "(the compiler gave no log)" : log);

        String[] generated = source.text().split("\n", -1);
        Set<Integer> lines = new LinkedHashSet<>();
        collectLines(CLANG_POSITION, log, generated.length, lines);
        collectLines(NVRTC_POSITION, log, generated.length, lines);
        if (!lines.isEmpty()) {
            b.append("\ngenerated lines the log names:");
            int shown = 0;
            for (int line : lines) {
                if (shown++ == MAX_LINES_SHOWN) {
                    b.append("\n  ... and ").append(lines.size() - MAX_LINES_SHOWN).append(" more");
                    break;
                }
                int javaLine = source.javaLine(line);
                b.append("\n  line ").append(line).append(": ").append(generated[line - 1].strip())
                        .append("    ").append(javaLine > 0
                                ? "from " + spec.javaFile() + ":" + javaLine
                                : "(no Java line: generated scaffolding)");
            }
        }
        return new KernelCompileException(b.toString());
    }

    /** Adds the generated line numbers that {@code position} finds in {@code log}; header files' lines are not ours. */
    private static void collectLines(Pattern position, String log, int lineCount, Set<Integer> lines) {
        Matcher m = position.matcher(log);
        while (m.find()) {
            String file = m.group(1);
            if (file.endsWith(".h") || file.endsWith(".hpp")) {
                continue;
            }
            int line = Integer.parseInt(m.group(2));
            if (line >= 1 && line <= lineCount) {
                lines.add(line);
            }
        }
    }
}
