package sparse.tasks.lang;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The view one work-item has of its launch, for kernels in the {@code KernelContext} style.
 * Field and method names follow TornadoVM's. Each comment says what the translator emits
 * (OpenCL C / CUDA C).
 */
public final class KernelContext {
    /** get_global_id(0) / blockIdx.x * blockDim.x + threadIdx.x */
    public final int globalIdx;
    /** get_global_id(1) / blockIdx.y * blockDim.y + threadIdx.y */
    public final int globalIdy;
    /** get_local_id(0) / threadIdx.x */
    public final int localIdx;
    /** get_local_id(1) / threadIdx.y */
    public final int localIdy;
    /** get_group_id(0) / blockIdx.x */
    public final int groupIdx;
    /** get_group_id(1) / blockIdx.y */
    public final int groupIdy;
    /** get_global_size(0) / gridDim.x * blockDim.x */
    public final int globalGroupSizeX;
    /** get_global_size(1) / gridDim.y * blockDim.y */
    public final int globalGroupSizeY;
    /** get_local_size(0) / blockDim.x */
    public final int localGroupSizeX;
    /** get_local_size(1) / blockDim.y */
    public final int localGroupSizeY;

    private final WorkGroup group;
    private int nextLocalSlot;

    public KernelContext(WorkGroup group, int localIdx, int localIdy, int groupIdx, int groupIdy,
                         int localGroupSizeX, int localGroupSizeY, int groupCountX, int groupCountY) {
        this.group = group;
        this.localIdx = localIdx;
        this.localIdy = localIdy;
        this.groupIdx = groupIdx;
        this.groupIdy = groupIdy;
        this.localGroupSizeX = localGroupSizeX;
        this.localGroupSizeY = localGroupSizeY;
        this.globalIdx = groupIdx * localGroupSizeX + localIdx;
        this.globalIdy = groupIdy * localGroupSizeY + localIdy;
        this.globalGroupSizeX = groupCountX * localGroupSizeX;
        this.globalGroupSizeY = groupCountY * localGroupSizeY;
    }

    /** barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE) / __syncthreads(): every work-item of the group must reach it. */
    public void localBarrier() {
        group.barrier();
    }

    /** A {@code __local} / {@code __shared__} array; {@code length} must be a compile-time constant. */
    public float[] allocateFloatLocalArray(int length) {
        return (float[]) group.localArray(nextLocalSlot++, float[].class, length);
    }

    /** A {@code __local} / {@code __shared__} array; {@code length} must be a compile-time constant. */
    public int[] allocateIntLocalArray(int length) {
        return (int[]) group.localArray(nextLocalSlot++, int[].class, length);
    }

    /**
     * The {@code value} that work-item {@code lane & 31} of this work-item's sub-group holds: the
     * sub-groups are the runs of 32 consecutive work-items in x-major order (CUDA's warps), so the
     * work-group's size must be a multiple of 32. Every work-item of the work-group must reach
     * it, as a barrier. CUDA: {@code __shfl_sync} (registers, no barrier); OpenCL and the JVM:
     * through local memory between two barriers.
     */
    public float shuffle(float value, int lane) {
        float[] exchange = group.exchange();
        int id = localIdy * localGroupSizeX + localIdx;
        exchange[id] = value;
        group.barrier();
        float result = exchange[(id & ~31) + (lane & 31)];
        group.barrier();
        return result;
    }

    /**
     * Starts copying the four ints {@code from[fromIndex … fromIndex + 3]} (an int[] parameter,
     * global) to {@code to[toIndex …]} (a local array of this kernel), both indices multiples of
     * 4. The copy is this work-item's: it may read the four ints once {@link #awaitCopies} has
     * waited for the copy's batch (see {@link #commitCopies}), other work-items after a
     * {@link #localBarrier} that follows. CUDA (sm_80 on): {@code cp.async.cg}, 16 bytes straight to shared memory, no
     * register staging; OpenCL: {@code vload4} and {@code vstore4}; the JVM: copied at once.
     */
    public void copyToLocalAsync(int[] to, int toIndex, int[] from, int fromIndex) {
        if ((toIndex & 3) != 0 || (fromIndex & 3) != 0) {
            throw new IllegalArgumentException("copyToLocalAsync: indices " + toIndex + " and " + fromIndex
                    + " must be multiples of 4 (16-byte aligned)");
        }
        System.arraycopy(from, fromIndex, to, toIndex, 4);
    }

    /** Closes the copies this work-item started since the last commit into one batch. CUDA: {@code cp.async.commit_group}. */
    public void commitCopies() {
    }

    /**
     * Waits until at most {@code batches} (a constant, 0 to 7) of this work-item's newest
     * committed batches are still copying; copies not yet committed are not waited for. CUDA:
     * {@code cp.async.wait_group batches}.
     */
    public void awaitCopies(int batches) {
        if (batches < 0 || batches > 7) {
            throw new IllegalArgumentException("awaitCopies: " + batches + " batches; 0 to 7 may be in flight");
        }
    }

    /** atomic_add / atomicAdd; returns the old value. */
    public int atomicAdd(int[] array, int index, int value) {
        return (int) INT_ARRAY.getAndAdd(array, index, value);
    }

    /** atomic_max / atomicMax; returns the old value. */
    public int atomicMax(int[] array, int index, int value) {
        while (true) {
            int old = (int) INT_ARRAY.getVolatile(array, index);
            if (old >= value || INT_ARRAY.compareAndSet(array, index, old, value)) {
                return old;
            }
        }
    }

    /** atomic_min / atomicMin; returns the old value. */
    public int atomicMin(int[] array, int index, int value) {
        while (true) {
            int old = (int) INT_ARRAY.getVolatile(array, index);
            if (old <= value || INT_ARRAY.compareAndSet(array, index, old, value)) {
                return old;
            }
        }
    }

    /** atomic_cmpxchg / atomicCAS; returns the old value. */
    public int atomicCompareAndSwap(int[] array, int index, int expected, int value) {
        return (int) INT_ARRAY.compareAndExchange(array, index, expected, value);
    }

    private static final VarHandle INT_ARRAY = MethodHandles.arrayElementVarHandle(int[].class);
}
