package sparse.tasks.lang;

/**
 * The math a kernel may call, in float precision. Each method is an intrinsic: the translator
 * emits the named OpenCL C / CUDA C function; the Java body is what the JVM backend runs.
 */
public final class KernelMath {
    private KernelMath() {
    }

    /** exp / expf */
    public static float exp(float x) {
        return (float) Math.exp(x);
    }

    /** log / logf */
    public static float log(float x) {
        return (float) Math.log(x);
    }

    /** sqrt / sqrtf */
    public static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }

    /** rsqrt / rsqrtf */
    public static float rsqrt(float x) {
        return (float) (1.0 / Math.sqrt(x));
    }

    /** tanh / tanhf */
    public static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    /** sin / sinf */
    public static float sin(float x) {
        return (float) Math.sin(x);
    }

    /** cos / cosf */
    public static float cos(float x) {
        return (float) Math.cos(x);
    }

    /** pow / powf */
    public static float pow(float x, float y) {
        return (float) Math.pow(x, y);
    }

    /** floor / floorf */
    public static float floor(float x) {
        return (float) Math.floor(x);
    }

    /** fmin / fminf: a NaN operand yields the other one, as C's fmin does (unlike Math.min) */
    public static float min(float a, float b) {
        return Float.isNaN(a) ? b : Float.isNaN(b) ? a : Math.min(a, b);
    }

    /** fmax / fmaxf: a NaN operand yields the other one, as C's fmax does (unlike Math.max) */
    public static float max(float a, float b) {
        return Float.isNaN(a) ? b : Float.isNaN(b) ? a : Math.max(a, b);
    }

    /** min / min */
    public static int min(int a, int b) {
        return Math.min(a, b);
    }

    /** max / max */
    public static int max(int a, int b) {
        return Math.max(a, b);
    }

    /** fabs / fabsf */
    public static float abs(float x) {
        return Math.abs(x);
    }

    /** abs / abs */
    public static int abs(int x) {
        return Math.abs(x);
    }

    /** fma / fmaf: a * b + c with one rounding */
    public static float fma(float a, float b, float c) {
        return Math.fma(a, b, c);
    }

    /** as_int / __float_as_int */
    public static int floatToIntBits(float x) {
        return Float.floatToRawIntBits(x);
    }

    /** as_float / __int_as_float */
    public static float intBitsToFloat(int bits) {
        return Float.intBitsToFloat(bits);
    }

    /** popcount / __popc */
    public static int popcount(int x) {
        return Integer.bitCount(x);
    }

    /** IEEE fp16 bits to float: vload_half / cvt.f32.f16 */
    public static float halfToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** float to IEEE fp16 bits, round to nearest even: vstore_half_rte / cvt.rn.f16.f32 */
    public static short floatToHalf(float x) {
        return Float.floatToFloat16(x);
    }

    /** bf16 bits to float: the bits are the high half of a float */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** float to bf16 bits, round to nearest even (NaN stays NaN) */
    public static short floatToBf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
