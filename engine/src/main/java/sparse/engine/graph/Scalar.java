package sparse.engine.graph;

import sparse.tasks.lang.KernelSpec;

/**
 * A kernel argument that may change between executions of a plan (a cache length that grows
 * every decode step). Each execution reads the value current at its start. A plain boxed
 * number passed to a task is fixed instead.
 */
public final class Scalar {
    private final KernelSpec.Type type;
    private volatile Number value;

    private Scalar(KernelSpec.Type type, Number value) {
        this.type = type;
        this.value = value;
    }

    public static Scalar ofInt(int value) {
        return new Scalar(KernelSpec.Type.INT, value);
    }

    public static Scalar ofLong(long value) {
        return new Scalar(KernelSpec.Type.LONG, value);
    }

    public static Scalar ofFloat(float value) {
        return new Scalar(KernelSpec.Type.FLOAT, value);
    }

    /** {@code INT}, {@code LONG} or {@code FLOAT}. */
    public KernelSpec.Type type() {
        return type;
    }

    public Number value() {
        return value;
    }

    /** Sets an int or long scalar. */
    public void set(int v) {
        if (type == KernelSpec.Type.FLOAT) {
            throw new IllegalArgumentException("this Scalar holds a float; set it with a float (" + v + "f)");
        }
        value = type == KernelSpec.Type.INT ? (Number) v : (Number) (long) v;
    }

    /** Sets a long scalar. */
    public void set(long v) {
        if (type != KernelSpec.Type.LONG) {
            throw new IllegalArgumentException("this Scalar holds " + name() + ", not a long");
        }
        value = v;
    }

    /** Sets a float scalar. */
    public void set(float v) {
        if (type != KernelSpec.Type.FLOAT) {
            throw new IllegalArgumentException("this Scalar holds " + name() + ", not a float");
        }
        value = v;
    }

    private String name() {
        return type == KernelSpec.Type.INT ? "an int" : type == KernelSpec.Type.LONG ? "a long" : "a float";
    }

    @Override
    public String toString() {
        return "Scalar(" + value + ")";
    }
}
