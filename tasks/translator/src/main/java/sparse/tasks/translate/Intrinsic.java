package sparse.tasks.translate;

/** The {@code KernelMath} methods; each printer names the function it becomes in its dialect. */
enum Intrinsic {
    EXP("exp", false), LOG("log", false), SQRT("sqrt", false), RSQRT("rsqrt", false),
    TANH("tanh", false), SIN("sin", false), COS("cos", false), POW("pow", false),
    FLOOR("floor", false), FMIN("min", false), FMAX("max", false), MIN("min", true), MAX("max", true),
    FABS("abs", false), ABS("abs", true), FMA("fma", false),
    FLOAT_TO_INT_BITS("floatToIntBits", false), INT_BITS_TO_FLOAT("intBitsToFloat", true),
    POPCOUNT("popcount", true),
    HALF_TO_FLOAT("halfToFloat", true), FLOAT_TO_HALF("floatToHalf", false),
    BF16_TO_FLOAT("bf16ToFloat", true), FLOAT_TO_BF16("floatToBf16", false);

    final String javaName;
    /** Whether the first parameter is integral: tells the int and float overloads apart. */
    final boolean integralArgument;

    Intrinsic(String javaName, boolean integralArgument) {
        this.javaName = javaName;
        this.integralArgument = integralArgument;
    }

    /** The intrinsic for {@code KernelMath.<javaName>} whose first parameter is integral or not; null if none. */
    static Intrinsic of(String javaName, boolean integralArgument) {
        for (Intrinsic i : values()) {
            if (i.javaName.equals(javaName) && i.integralArgument == integralArgument) {
                return i;
            }
        }
        return null;
    }
}
