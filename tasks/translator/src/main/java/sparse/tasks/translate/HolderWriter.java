package sparse.tasks.translate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import sparse.tasks.lang.KernelSpec;

/**
 * Stage 4: the Java source of {@code <KernelClass>Translated}: one {@code KernelSpec} constant
 * per kernel, the two programs, and an invoker per kernel that calls the method directly.
 */
final class HolderWriter {
    private HolderWriter() {
    }

    /** Program text is split into literals of this many characters: a class constant holds at most 64 KB. */
    private static final int CHUNK = 8000;

    static String write(String packageName, String holderSimpleName, Program p,
                        KernelSpec.Source opencl, KernelSpec.Source cuda) {
        StringBuilder b = new StringBuilder();
        if (!packageName.isEmpty()) {
            b.append("package ").append(packageName).append(";\n\n");
        }
        b.append("import java.util.List;\n");
        b.append("import sparse.tasks.lang.KernelSpec;\n\n");
        b.append("/** The translated kernels of {@code ").append(p.canonicalName()).append("}; generated from ")
                .append(p.javaFile()).append(" by sparse.tasks.translate.KernelProcessor: do not edit. */\n");
        b.append("@javax.annotation.processing.Generated(\"sparse.tasks.translate.KernelProcessor\")\n");
        b.append("public final class ").append(holderSimpleName).append(" {\n");
        b.append("    private ").append(holderSimpleName).append("() {\n    }\n\n");
        b.append("    private static final KernelSpec.Source OPENCL_PROGRAM = ").append(source(opencl)).append(";\n\n");
        b.append("    private static final KernelSpec.Source CUDA_PROGRAM = ").append(source(cuda)).append(";\n");
        List<String> names = new ArrayList<>();
        for (Program.Function f : p.functions()) {
            if (!f.isKernel()) {
                continue;
            }
            names.add(f.javaName());
            b.append("\n    public static final KernelSpec ").append(f.javaName()).append(" = new KernelSpec(\n");
            b.append("            ").append(string(p.javaClass())).append(", ").append(string(f.javaName()))
                    .append(", ").append(string(p.simpleName() + "_" + f.javaName())).append(", KernelSpec.Style.")
                    .append(f.style()).append(",\n");
            b.append("            List.of(").append(params(f)).append("),\n");
            b.append("            ").append(bounds(f.parallelBounds())).append(", ").append(f.usesBarrier())
                    .append(", ").append(f.usesShuffle()).append(", ").append(string(p.javaFile()))
                    .append(", OPENCL_PROGRAM, CUDA_PROGRAM,\n");
            b.append("            ").append(invoker(p, f)).append(");\n");
        }
        b.append("\n    /** Every kernel of the class, in source order. */\n");
        b.append("    public static List<KernelSpec> all() {\n");
        b.append("        return List.of(").append(String.join(", ", names)).append(");\n    }\n\n");
        b.append("    /** Decodes a line map written as comma-separated numbers. */\n");
        b.append("    private static int[] lines(String encoded) {\n");
        b.append("        return encoded.isEmpty() ? new int[0]\n");
        b.append("                : java.util.Arrays.stream(encoded.split(\",\")).mapToInt(Integer::parseInt).toArray();\n");
        b.append("    }\n}\n");
        return b.toString();
    }

    private static String source(KernelSpec.Source s) {
        String lines = Arrays.stream(s.javaLines()).mapToObj(Integer::toString).collect(Collectors.joining(","));
        return "new KernelSpec.Source(" + text(s.text()) + ",\n            lines(" + string(lines) + "))";
    }

    /** A long string as String.join of literals, so that no single constant exceeds the class-file limit. */
    private static String text(String s) {
        List<String> chunks = new ArrayList<>();
        int start = 0;
        while (start < s.length()) {
            int end = Math.min(s.length(), start + CHUNK);
            if (end < s.length()) {
                int newline = s.lastIndexOf('\n', end - 1);
                end = newline > start ? newline + 1 : end;
            }
            chunks.add(string(s.substring(start, end)));
            start = end;
        }
        if (chunks.size() <= 1) {
            return chunks.isEmpty() ? "\"\"" : chunks.get(0);
        }
        return "String.join(\"\",\n            " + String.join(",\n            ", chunks) + ")";
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String params(Program.Function f) {
        List<String> out = new ArrayList<>();
        for (Program.Param p : f.params()) {
            if (p.variable().type() instanceof Ty.Context) {
                continue;
            }
            out.add("new KernelSpec.Param(" + string(p.javaName()) + ", KernelSpec.Type." + specType(p.variable().type()) + ")");
        }
        return String.join(", ", out);
    }

    static KernelSpec.Type specType(Ty t) {
        return switch (t) {
            case Ty.Array a -> KernelSpec.Type.valueOf(specType(a.element()) + "_ARRAY");
            case Ty.Prim p -> switch (p) {
                case BYTE -> KernelSpec.Type.BYTE;
                case SHORT -> KernelSpec.Type.SHORT;
                case INT -> KernelSpec.Type.INT;
                case LONG -> KernelSpec.Type.LONG;
                case FLOAT -> KernelSpec.Type.FLOAT;
                default -> throw new IllegalArgumentException(p + " is not a kernel parameter type");
            };
            case Ty.Context c -> throw new IllegalArgumentException("the context is not a device parameter");
        };
    }

    private static String bounds(List<String> bounds) {
        if (bounds.isEmpty()) {
            return "List.of()";
        }
        // the bounds may hold null, which List.of refuses
        return "java.util.Collections.unmodifiableList(java.util.Arrays.asList("
                + bounds.stream().map(x -> x == null ? "(String) null" : string(x)).collect(Collectors.joining(", ")) + "))";
    }

    /** {@code (ctx, a) -> Foo.add(ctx, (float[]) a[0], (int) a[1])}: a direct call, no reflection. */
    private static String invoker(Program p, Program.Function f) {
        List<String> args = new ArrayList<>();
        int i = 0;
        for (Program.Param param : f.params()) {
            Ty t = param.variable().type();
            if (t instanceof Ty.Context) {
                args.add("context");
                continue;
            }
            String javaType = switch (specType(t)) {
                case INT -> "int";
                case LONG -> "long";
                case FLOAT -> "float";
                case SHORT -> "short";
                case BYTE -> "byte";
                case INT_ARRAY -> "int[]";
                case LONG_ARRAY -> "long[]";
                case FLOAT_ARRAY -> "float[]";
                case SHORT_ARRAY -> "short[]";
                case BYTE_ARRAY -> "byte[]";
            };
            args.add("(" + javaType + ") args[" + i++ + "]");
        }
        return "(context, args) -> " + p.canonicalName() + "." + f.javaName() + "(" + String.join(", ", args) + ")";
    }
}
