package sparse.tasks.translate;

import java.util.Set;
import java.util.regex.Pattern;

/** Java identifiers that cannot be C identifiers in OpenCL C or CUDA C++ get a trailing underscore. */
final class CNames {
    private CNames() {
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Vector types (float4, uint2, ...) are reserved in OpenCL C. */
    private static final Pattern VECTOR_TYPE =
            Pattern.compile("(bool|char|uchar|short|ushort|int|uint|long|ulong|half|float|double)(2|3|4|8|16)");

    private static final Set<String> RESERVED = Set.of(
            // C, C++ and OpenCL C keywords and types that are not Java keywords
            "auto", "register", "signed", "unsigned", "sizeof", "typedef", "struct", "union", "extern",
            "inline", "restrict", "template", "typename", "namespace", "using", "operator", "virtual",
            "friend", "delete", "mutable", "explicit", "export", "asm", "typeid", "bool", "wchar_t",
            "char16_t", "char32_t", "constexpr", "decltype", "nullptr", "alignas", "alignof", "noexcept",
            "static_assert", "thread_local", "half", "global", "local", "constant", "kernel", "uniform",
            "pipe", "read_only", "write_only", "read_write", "uchar", "ushort", "uint", "ulong", "size_t",
            "ptrdiff_t", "intptr_t", "uintptr_t", "sampler_t", "event_t", "image1d_t", "image2d_t",
            "image3d_t", "complex", "imaginary", "NULL", "NAN", "INFINITY", "MAXFLOAT", "HUGE_VALF",
            "main", "dim3", "warpSize", "threadIdx", "blockIdx", "blockDim", "gridDim",
            // builtins the printers emit, which a local of the same name would hide
            "exp", "expf", "log", "logf", "sqrt", "sqrtf", "rsqrt", "rsqrtf", "tanh", "tanhf", "sin", "sinf",
            "cos", "cosf", "pow", "powf", "floor", "floorf", "fmin", "fminf", "fmax", "fmaxf", "min", "max",
            "fabs", "fabsf", "abs", "fma", "fmaf", "fmod", "fmodf", "as_int", "as_uint", "as_float",
            "popcount", "vload_half", "vstore_half_rte", "barrier", "atomic_add", "atomic_max",
            "atomic_min", "atomic_cmpxchg", "atomicAdd", "atomicMax", "atomicMin", "atomicCAS",
            "convert_int_sat", "convert_long_sat", "get_global_id", "get_local_id", "get_group_id",
            "get_global_size", "get_local_size", "__syncthreads");

    static boolean isValid(String javaName) {
        return IDENTIFIER.matcher(javaName).matches();
    }

    /** The C name for a Java local or parameter. */
    static String of(String javaName) {
        boolean reserved = RESERVED.contains(javaName) || VECTOR_TYPE.matcher(javaName).matches()
                || javaName.startsWith("__") || javaName.startsWith("sparse_") || javaName.startsWith("CLK_");
        return reserved ? javaName + "_" : javaName;
    }
}
