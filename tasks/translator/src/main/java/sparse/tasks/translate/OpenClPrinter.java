package sparse.tasks.translate;

import java.util.List;

/** Prints a program as OpenCL C (1.2). */
final class OpenClPrinter extends CPrinter {

    @Override
    String typeName(Ty.Prim type) {
        return switch (type) {
            case VOID -> "void";
            case BOOLEAN -> "bool";
            case BYTE -> "char";
            case SHORT -> "short";
            case INT -> "int";
            case LONG -> "long";
            case FLOAT -> "float";
        };
    }

    @Override
    String unsignedName(Ty.Prim type) {
        return type == Ty.Prim.LONG ? "ulong" : "uint";
    }

    @Override
    String longSuffix() {
        return "L";
    }

    @Override
    Code specialFloat(float value) {
        return Float.isNaN(value) ? new Code("NAN", ATOM)
                : value > 0 ? new Code("INFINITY", ATOM) : new Code("-INFINITY", UNARY);
    }

    @Override
    Code contextValue(ContextField field) {
        String function = switch (field) {
            case GLOBAL_ID_X, GLOBAL_ID_Y -> "get_global_id";
            case LOCAL_ID_X, LOCAL_ID_Y -> "get_local_id";
            case GROUP_ID_X, GROUP_ID_Y -> "get_group_id";
            case GLOBAL_SIZE_X, GLOBAL_SIZE_Y -> "get_global_size";
            case LOCAL_SIZE_X, LOCAL_SIZE_Y -> "get_local_size";
        };
        return new Code("(int)" + function + "(" + field.dimension() + ")", UNARY);
    }

    @Override
    Code globalId(int dimension) {
        return new Code("(int)get_global_id(" + dimension + ")", UNARY);
    }

    @Override
    Code globalSize(int dimension) {
        return new Code("(int)get_global_size(" + dimension + ")", UNARY);
    }

    @Override
    String barrier() {
        // the global fence too: like __syncthreads() and the JVM, the barrier orders every write
        return "barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)";
    }

    @Override
    Code intrinsic(Intrinsic op, List<String> args) {
        String name = switch (op) {
            case EXP -> "exp";
            case LOG -> "log";
            case SQRT -> "sqrt";
            case RSQRT -> "rsqrt";
            case TANH -> "tanh";
            case SIN -> "sin";
            case COS -> "cos";
            case POW -> "pow";
            case FLOOR -> "floor";
            case FMIN -> "fmin";
            case FMAX -> "fmax";
            case MIN -> "min";
            case MAX -> "max";
            case FABS -> "fabs";
            case ABS -> "abs";
            case FMA -> "fma";
            case FLOAT_TO_INT_BITS -> "as_int";
            case INT_BITS_TO_FLOAT -> "as_float";
            case POPCOUNT -> "popcount";
            case HALF_TO_FLOAT -> "sparse_half_to_float";
            case FLOAT_TO_HALF -> "sparse_float_to_half";
            case BF16_TO_FLOAT -> "sparse_bf16_to_float";
            case FLOAT_TO_BF16 -> "sparse_float_to_bf16";
        };
        String call = name + "(" + String.join(", ", args) + ")";
        // OpenCL's abs of an int returns uint
        return op == Intrinsic.ABS ? new Code("(int)" + call, UNARY) : new Code(call, ATOM);
    }

    @Override
    Code floatToInt(String operand) {
        // the _sat conversions round toward zero, saturate and send NaN to 0, as Java does
        return new Code("convert_int_sat(" + operand + ")", ATOM);
    }

    @Override
    String fmod() {
        return "fmod";
    }

    @Override
    String atomic(Expr.AtomicOp op) {
        return switch (op) {
            case ADD -> "atomic_add";
            case MAX -> "atomic_max";
            case MIN -> "atomic_min";
            case COMPARE_AND_SWAP -> "atomic_cmpxchg";
        };
    }

    @Override
    String kernelQualifier() {
        return "__kernel";
    }

    @Override
    String helperQualifier(boolean takesLocalArrays) {
        return "";
    }

    @Override
    String pointer(Ty.Prim element, Ty.Space space) {
        return (space == Ty.Space.LOCAL ? "__local " : "__global ") + typeName(element) + "*";
    }

    /** OpenCL 1.2 has no generic address space: a pointer into local memory is a __local pointer. */
    @Override
    boolean pointersNameTheirSpace() {
        return true;
    }

    @Override
    String localArray(Ty.Prim element, String name, int length) {
        // 16-byte aligned as on CUDA (vstore4 itself needs only int alignment)
        return "__local " + typeName(element) + " " + name + "[" + length + "] __attribute__((aligned(16)));";
    }

    /** OpenCL 1.2 has no asynchronous copy per work-item (async_work_group_copy is the group's): one copy at once. */
    @Override
    String copyToLocalAsync(String to, String from) {
        return "vstore4(vload4(0, " + from + "), 0, " + to + ")";
    }

    @Override
    String commitCopies() {
        return null; // the copies are done
    }

    @Override
    String awaitCopies(int batches) {
        return null;
    }

    /** OpenCL queues run kernels one after another, whole: nothing to wait for. */
    @Override
    String kernelEntry() {
        return null;
    }

    /** OpenCL 1.2 has no sub-group shuffle (nor has NVIDIA's OpenCL cl_khr_subgroup_shuffle): local memory. */
    @Override
    Code shuffle(String value, String lane) {
        return new Code("sparse_shuffle(" + EXCHANGE + ", " + value + ", " + lane + ")", ATOM);
    }

    @Override
    String exchangeParameter() {
        return "__local float* " + EXCHANGE;
    }

    @Override
    List<String> preludeFunction(PreludeFunction f) {
        return switch (f) {
            // a half pointer is allowed without cl_khr_fp16; vload_half and vstore_half_rte convert
            case HALF_TO_FLOAT -> List.of(
                    "float sparse_half_to_float(short bits) {",
                    "    return vload_half(0, (const half*)&bits);",
                    "}");
            case FLOAT_TO_HALF -> List.of(
                    "short sparse_float_to_half(float x) {",
                    "    short bits;",
                    "    vstore_half_rte(x, 0, (half*)&bits);",
                    "    return bits;",
                    "}");
            case BF16_TO_FLOAT -> List.of(
                    "float sparse_bf16_to_float(short bits) {",
                    "    return as_float((uint)(ushort)bits << 16);",
                    "}");
            case FLOAT_TO_BF16 -> List.of(
                    "short sparse_float_to_bf16(float x) {",
                    "    uint bits = as_uint(x);",
                    "    if ((bits & 0x7fffffffu) > 0x7f800000u) {",
                    "        return (short)((bits >> 16) | 0x40u);",
                    "    }",
                    "    return (short)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);",
                    "}");
            // NVIDIA's convert_long_sat sends NaN to LONG_MIN
            case FLOAT_TO_LONG -> List.of(
                    "long sparse_float_to_long(float x) {",
                    "    return x != x ? 0L : convert_long_sat(x);",
                    "}");
            case COPY_TO_LOCAL_ASYNC, COMMIT_COPIES, AWAIT_COPIES -> List.of(); // vload4 and vstore4 are built in
            case AWAIT_PREVIOUS_KERNEL -> List.of();
            // sub-groups are runs of 32 work-items in x-major order, as CUDA's warps; the second
            // barrier keeps the next shuffle's writes from overtaking this one's reads
            case SHUFFLE -> List.of(
                    "float sparse_shuffle(__local float* exchange, float value, int lane) {",
                    "    int id = (int)(get_local_id(1) * get_local_size(0) + get_local_id(0));",
                    "    exchange[id] = value;",
                    "    barrier(CLK_LOCAL_MEM_FENCE);",
                    "    float result = exchange[(id & ~31) + (lane & 31)];",
                    "    barrier(CLK_LOCAL_MEM_FENCE);",
                    "    return result;",
                    "}");
        };
    }
}
