package sparse.engine.backend.jvm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import sparse.engine.backend.BackendException;
import sparse.engine.backend.ElementType;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelSpec;
import sparse.tasks.lang.WorkGroup;

/**
 * One work-group of a context-style launch: its local arrays and its barrier.
 *
 * <p>A kernel without barriers runs its work-items one after another in the calling thread.
 * A kernel with barriers runs each work-item in its own virtual thread, and {@link #barrier()}
 * holds every work-item until all of the group have arrived. A work-item that returns while
 * others wait at a barrier (undefined behaviour on a device, usually a hang) is an error here.
 */
final class JvmWorkGroup implements WorkGroup {
    /** Local memory starts as garbage on a device; poisoned here so that reading it unwritten shows. */
    private static final int INT_POISON = 0xDEADBEEF;

    private final String kernelName;
    private final KernelSpec spec;
    private final Object[] args;
    private final int groupX, groupY, localX, localY, groupsX, groupsY;
    private final boolean twoD;
    private final int size;

    private final List<Object> localArrays = new ArrayList<>();
    private long localBytes;
    private float[] exchange;

    // barrier state, changed under lock; generation and failure are read by parked work-items
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Thread> waiting = new ArrayList<>();    // work-items at the current barrier
    private int returned;                                       // work-items that have finished
    private volatile long generation;                           // barriers completed
    private volatile BackendException failure;                  // the group's first failure; ends every wait

    JvmWorkGroup(String kernelName, KernelSpec spec, Object[] args, int groupX, int groupY,
                 int localX, int localY, int groupsX, int groupsY, boolean twoD) {
        this.kernelName = kernelName;
        this.spec = spec;
        this.args = args;
        this.groupX = groupX;
        this.groupY = groupY;
        this.localX = localX;
        this.localY = localY;
        this.groupsX = groupsX;
        this.groupsY = groupsY;
        this.twoD = twoD;
        this.size = localX * localY;
    }

    /** Runs every work-item of the group; throws the group's first failure. */
    void run() {
        if (spec.usesBarrier()) {
            runInThreads();
        } else {
            runInOrder();
        }
    }

    private void runInOrder() {
        for (int ly = 0; ly < localY; ly++) {
            for (int lx = 0; lx < localX; lx++) {
                try {
                    spec.invoker().invoke(context(lx, ly), args);
                } catch (RuntimeException | Error e) {
                    throw workItemFailure(lx, ly, e);
                }
            }
        }
    }

    private void runInThreads() {
        Thread[] threads = new Thread[size];
        for (int ly = 0; ly < localY; ly++) {
            for (int lx = 0; lx < localX; lx++) {
                int x = lx, y = ly;
                threads[ly * localX + lx] = Thread.ofVirtual().start(() -> runWorkItem(x, y));
            }
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendException(kernelName + ": interrupted while running group " + group(), e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void runWorkItem(int lx, int ly) {
        Throwable error = null;
        try {
            spec.invoker().invoke(context(lx, ly), args);
        } catch (Abandoned e) {
            return;   // the group failed already
        } catch (RuntimeException | Error e) {
            error = e;
        }
        lock.lock();
        try {
            returned++;
            if (error != null) {
                fail(workItemFailure(lx, ly, error));
            } else if (waiting.size() > 0) {
                fail(new BackendException("work-item returned while others wait at a barrier in " + kernelName
                        + ": work-item " + ids(lx, ly) + " of group " + group() + " returned while "
                        + waiting.size() + " of " + size + " wait"));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The last work-item to arrive wakes the others; waiters park (no lock to reacquire on
     * waking), which keeps a barrier cheap for hundreds of virtual threads.
     */
    @Override
    public void barrier() {
        if (!spec.usesBarrier()) {
            throw new BackendException(kernelName + " calls localBarrier() but its KernelSpec says usesBarrier = false");
        }
        long arrivedAt;
        lock.lock();
        try {
            if (failure != null) {
                throw new Abandoned();
            }
            if (returned > 0) {
                fail(new BackendException("work-item returned while others wait at a barrier in " + kernelName
                        + ": in group " + group() + ", " + returned + " of " + size
                        + " work-items returned before a barrier the others reached"));
                throw new Abandoned();
            }
            if (waiting.size() == size - 1) {
                generation++;
                wakeWaiters();
                return;
            }
            waiting.add(Thread.currentThread());
            arrivedAt = generation;
        } finally {
            lock.unlock();
        }
        while (generation == arrivedAt && failure == null) {
            LockSupport.park(this);
        }
        if (generation == arrivedAt) {
            throw new Abandoned();
        }
    }

    /** Records the group's first failure and releases every waiting work-item; call holding the lock. */
    private void fail(BackendException e) {
        if (failure == null) {
            failure = e;
        }
        wakeWaiters();
    }

    private void wakeWaiters() {
        for (Thread t : waiting) {
            LockSupport.unpark(t);
        }
        waiting.clear();
    }

    /** Sub-groups of 32 as on CUDA: a group of another size is an error, as it would be there. */
    @Override
    public float[] exchange() {
        lock.lock();
        try {
            if (size % 32 != 0) {
                throw new BackendException(kernelName + " shuffles in work-groups of " + size
                        + " work-items; shuffles need a multiple of 32");
            }
            if (exchange == null) {
                exchange = new float[size];
            }
            return exchange;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Object localArray(int slot, Class<?> arrayType, int length) {
        lock.lock();
        try {
            if (slot < localArrays.size()) {
                Object a = localArrays.get(slot);
                if (a.getClass() != arrayType || ElementType.length(a) != length) {
                    throw new BackendException(kernelName + ": work-items of group " + group()
                            + " allocate different local arrays as allocation " + slot);
                }
                return a;
            }
            Object a = poisoned(arrayType, length);
            localBytes += (long) length * ElementType.of(a).bytes;
            if (localBytes > JvmDevice.LOCAL_MEMORY_BYTES) {
                throw new BackendException(kernelName + " allocates " + localBytes + " bytes of local memory per"
                        + " work-group; devices give at most " + JvmDevice.LOCAL_MEMORY_BYTES);
            }
            localArrays.add(a);
            return a;
        } finally {
            lock.unlock();
        }
    }

    private Object poisoned(Class<?> arrayType, int length) {
        if (arrayType == float[].class) {
            float[] f = new float[length];
            Arrays.fill(f, Float.NaN);
            return f;
        }
        if (arrayType == int[].class) {
            int[] i = new int[length];
            Arrays.fill(i, INT_POISON);
            return i;
        }
        throw new BackendException(kernelName + ": no local arrays of " + arrayType.getSimpleName());
    }

    private KernelContext context(int lx, int ly) {
        return new KernelContext(this, lx, ly, groupX, groupY, localX, localY, groupsX, groupsY);
    }

    private BackendException workItemFailure(int lx, int ly, Throwable e) {
        int gx = groupX * localX + lx, gy = groupY * localY + ly;
        return new BackendException(kernelName + " failed in work-item " + ids(lx, ly) + " of group " + group()
                + " (global " + ids(gx, gy) + "): " + e, e);
    }

    private String group() {
        return ids(groupX, groupY);
    }

    private String ids(int x, int y) {
        return twoD ? "(" + x + ", " + y + ")" : String.valueOf(x);
    }

    /** Unwinds a work-item whose group already failed, so that no work-item is left waiting. */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super(null, null, false, false);
        }
    }
}
