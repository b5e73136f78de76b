package sparse.tasks.translate;

import java.util.List;

/** Prints a program as CUDA C++ for NVRTC: no headers, kernels extern "C" so their names stay as written. */
final class CudaPrinter extends CPrinter {

    @Override
    String typeName(Ty.Prim type) {
        return switch (type) {
            case VOID -> "void";
            case BOOLEAN -> "bool";
            case BYTE -> "signed char";
            case SHORT -> "short";
            case INT -> "int";
            case LONG -> "long long";
            case FLOAT -> "float";
        };
    }

    @Override
    String unsignedName(Ty.Prim type) {
        return type == Ty.Prim.LONG ? "unsigned long long" : "unsigned int";
    }

    @Override
    String longSuffix() {
        return "LL";
    }

    @Override
    Code specialFloat(float value) {
        String bits = Float.isNaN(value) ? "0x7fc00000" : value > 0 ? "0x7f800000" : "0xff800000";
        return new Code("__int_as_float(" + bits + ")", ATOM);
    }

    @Override
    Code contextValue(ContextField field) {
        String axis = field.dimension() == 0 ? "x" : "y";
        return switch (field) {
            case GLOBAL_ID_X, GLOBAL_ID_Y -> globalId(field.dimension());
            case LOCAL_ID_X, LOCAL_ID_Y -> new Code("(int)threadIdx." + axis, UNARY);
            case GROUP_ID_X, GROUP_ID_Y -> new Code("(int)blockIdx." + axis, UNARY);
            case GLOBAL_SIZE_X, GLOBAL_SIZE_Y -> globalSize(field.dimension());
            case LOCAL_SIZE_X, LOCAL_SIZE_Y -> new Code("(int)blockDim." + axis, UNARY);
        };
    }

    @Override
    Code globalId(int dimension) {
        String axis = dimension == 0 ? "x" : "y";
        return new Code("(int)(blockIdx." + axis + " * blockDim." + axis + " + threadIdx." + axis + ")", UNARY);
    }

    @Override
    Code globalSize(int dimension) {
        String axis = dimension == 0 ? "x" : "y";
        return new Code("(int)(gridDim." + axis + " * blockDim." + axis + ")", UNARY);
    }

    @Override
    String barrier() {
        return "__syncthreads()";
    }

    @Override
    Code intrinsic(Intrinsic op, List<String> args) {
        String name = switch (op) {
            case EXP -> "expf";
            case LOG -> "logf";
            case SQRT -> "sqrtf";
            case RSQRT -> "rsqrtf";
            case TANH -> "tanhf";
            case SIN -> "sinf";
            case COS -> "cosf";
            case POW -> "powf";
            case FLOOR -> "floorf";
            case FMIN -> "fminf";
            case FMAX -> "fmaxf";
            case MIN -> "min";
            case MAX -> "max";
            case FABS -> "fabsf";
            case ABS -> "abs";
            case FMA -> "fmaf";
            case FLOAT_TO_INT_BITS -> "__float_as_int";
            case INT_BITS_TO_FLOAT -> "__int_as_float";
            case POPCOUNT -> "__popc";
            case HALF_TO_FLOAT -> "sparse_half_to_float";
            case FLOAT_TO_HALF -> "sparse_float_to_half";
            case BF16_TO_FLOAT -> "sparse_bf16_to_float";
            case FLOAT_TO_BF16 -> "sparse_float_to_bf16";
        };
        return new Code(name + "(" + String.join(", ", args) + ")", ATOM);
    }

    @Override
    Code floatToInt(String operand) {
        // cvt.rzi.s32.f32 rounds toward zero, saturates and sends NaN to 0, as Java does
        return new Code("__float2int_rz(" + operand + ")", ATOM);
    }

    @Override
    String fmod() {
        return "fmodf";
    }

    @Override
    String atomic(Expr.AtomicOp op) {
        return switch (op) {
            case ADD -> "atomicAdd";
            case MAX -> "atomicMax";
            case MIN -> "atomicMin";
            case COMPARE_AND_SWAP -> "atomicCAS";
        };
    }

    @Override
    String kernelQualifier() {
        return "extern \"C\" __global__";
    }

    /**
     * A helper given a local array is inlined, so that NVCC sees which pointers are into shared
     * memory and loads them with {@code ld.shared} rather than through generic addresses.
     */
    @Override
    String helperQualifier(boolean takesLocalArrays) {
        return takesLocalArrays ? "__device__ __forceinline__ " : "__device__ ";
    }

    /** One generic pointer, into global or shared memory alike. */
    @Override
    String pointer(Ty.Prim element, Ty.Space space) {
        return typeName(element) + "*";
    }

    @Override
    boolean pointersNameTheirSpace() {
        return false;
    }

    @Override
    String localArray(Ty.Prim element, String name, int length) {
        // 16-byte aligned, so that copyToLocalAsync's 16-byte copies may land at any multiple of 4 ints
        return "__shared__ __align__(16) " + typeName(element) + " " + name + "[" + length + "];";
    }

    @Override
    String copyToLocalAsync(String to, String from) {
        return "sparse_copy_to_local_async(" + to + ", " + from + ")";
    }

    @Override
    String commitCopies() {
        return "sparse_commit_copies()";
    }

    @Override
    String awaitCopies(int batches) {
        return "sparse_await_copies<" + batches + ">()";
    }

    @Override
    String kernelEntry() {
        return "sparse_await_previous_kernel()";
    }

    /** The whole warp takes part; the hardware takes the lane mod 32 (width 32), as Java's lane & 31. */
    @Override
    Code shuffle(String value, String lane) {
        return new Code("__shfl_sync(0xffffffffu, " + value + ", " + lane + ")", ATOM);
    }

    @Override
    String exchangeParameter() {
        return null; // shuffles go through registers
    }

    @Override
    List<String> preludeFunction(PreludeFunction f) {
        return switch (f) {
            // inline PTX conversions, so that no cuda_fp16.h is needed under NVRTC
            case HALF_TO_FLOAT -> List.of(
                    "__device__ float sparse_half_to_float(short bits) {",
                    "    float f;",
                    "    asm(\"cvt.f32.f16 %0, %1;\" : \"=f\"(f) : \"h\"(bits));",
                    "    return f;",
                    "}");
            case FLOAT_TO_HALF -> List.of(
                    "__device__ short sparse_float_to_half(float x) {",
                    "    short bits;",
                    "    asm(\"cvt.rn.f16.f32 %0, %1;\" : \"=h\"(bits) : \"f\"(x));",
                    "    return bits;",
                    "}");
            case BF16_TO_FLOAT -> List.of(
                    "__device__ float sparse_bf16_to_float(short bits) {",
                    "    return __uint_as_float((unsigned int)(unsigned short)bits << 16);",
                    "}");
            case FLOAT_TO_BF16 -> List.of(
                    "__device__ short sparse_float_to_bf16(float x) {",
                    "    unsigned int bits = __float_as_uint(x);",
                    "    if ((bits & 0x7fffffffu) > 0x7f800000u) {",
                    "        return (short)((bits >> 16) | 0x40u);",
                    "    }",
                    "    return (short)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);",
                    "}");
            // cvt.rzi.s64.f32 saturates but sends NaN to LLONG_MIN
            case FLOAT_TO_LONG -> List.of(
                    "__device__ long long sparse_float_to_long(float x) {",
                    "    return x != x ? 0LL : __float2ll_rz(x);",
                    "}");
            case SHUFFLE -> List.of(); // __shfl_sync is built in
            // sm_80 on: cp.async.cg goes from global to shared memory in 16 bytes, through no
            // registers, and asks L2 to fetch the whole 128-byte line (H100, dense decode at 128K:
            // 0.9 % faster); before, a plain 16-byte copy (done at once, so commit and await are empty)
            case COPY_TO_LOCAL_ASYNC -> List.of(
                    "__device__ __forceinline__ void sparse_copy_to_local_async(int* to, const int* from) {",
                    "#if __CUDA_ARCH__ >= 800",
                    "    asm volatile(\"cp.async.cg.shared.global.L2::128B [%0], [%1], 16;\"",
                    "                 :: \"r\"((unsigned int)__cvta_generic_to_shared(to)), \"l\"(from) : \"memory\");",
                    "#else",
                    "    *(int4*)to = *(const int4*)from;",
                    "#endif",
                    "}");
            case COMMIT_COPIES -> List.of(
                    "__device__ __forceinline__ void sparse_commit_copies() {",
                    "#if __CUDA_ARCH__ >= 800",
                    "    asm volatile(\"cp.async.commit_group;\" ::: \"memory\");",
                    "#endif",
                    "}");
            // the count is part of the instruction: a template argument, printed as a literal ("n")
            case AWAIT_COPIES -> List.of(
                    "template <int batches>",
                    "__device__ __forceinline__ void sparse_await_copies() {",
                    "#if __CUDA_ARCH__ >= 800",
                    "    asm volatile(\"cp.async.wait_group %0;\" :: \"n\"(batches) : \"memory\");",
                    "#endif",
                    "}");
            // sm_90 on, under a programmatic dependent launch, this kernel's blocks may be placed
            // as the kernel before it ends: they first wait for it to end and its writes to show.
            // Under a plain launch the instruction returns at once.
            case AWAIT_PREVIOUS_KERNEL -> List.of(
                    "__device__ __forceinline__ void sparse_await_previous_kernel() {",
                    "#if __CUDA_ARCH__ >= 900",
                    "    asm volatile(\"griddepcontrol.wait;\" ::: \"memory\");",
                    "#endif",
                    "}");
        };
    }
}
