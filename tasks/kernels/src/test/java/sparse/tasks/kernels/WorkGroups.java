package sparse.tasks.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.WorkGroup;

/**
 * Runs a context-style kernel's Java body over a grid, one virtual thread per work-item and
 * a real barrier per group, so the kernels can be tested here without a backend. Groups run
 * one after another; local arrays start poisoned.
 */
public final class WorkGroups {
    private WorkGroups() {
    }

    /** One work-item's call of the kernel. */
    @FunctionalInterface
    public interface Body {
        void run(KernelContext ctx);
    }

    /** Runs {@code groupsX × groupsY} groups of {@code local × 1} work-items. */
    public static void run(int groupsX, int groupsY, int local, Body body) {
        for (int gy = 0; gy < groupsY; gy++) {
            for (int gx = 0; gx < groupsX; gx++) {
                runGroup(gx, gy, groupsX, groupsY, local, body);
            }
        }
    }

    private static void runGroup(int gx, int gy, int groupsX, int groupsY, int local, Body body) {
        Group group = new Group(local);
        List<Thread> threads = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int lx = 0; lx < local; lx++) {
            KernelContext ctx = new KernelContext(group, lx, 0, gx, gy, local, 1, groupsX, groupsY);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    body.run(ctx);
                } catch (Throwable e) {
                    synchronized (failure) {
                        if (failure[0] == null) {
                            failure[0] = e;
                        }
                    }
                    group.barrier.reset();  // release the others instead of hanging
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        if (failure[0] != null) {
            throw new AssertionError("group (" + gx + ", " + gy + ") failed", failure[0]);
        }
    }

    private static final class Group implements WorkGroup {
        final CyclicBarrier barrier;
        final List<Object> arrays = new ArrayList<>();

        Group(int size) {
            barrier = new CyclicBarrier(size);
        }

        @Override
        public void barrier() {
            try {
                barrier.await();
            } catch (InterruptedException | BrokenBarrierException e) {
                throw new IllegalStateException("barrier broken: another work-item failed", e);
            }
        }

        private float[] exchange;

        @Override
        public synchronized float[] exchange() {
            if (exchange == null) {
                exchange = new float[barrier.getParties()];
            }
            return exchange;
        }

        @Override
        public synchronized Object localArray(int slot, Class<?> arrayType, int length) {
            while (arrays.size() <= slot) {
                arrays.add(null);
            }
            if (arrays.get(slot) == null) {
                Object a;
                if (arrayType == float[].class) {
                    float[] f = new float[length];
                    java.util.Arrays.fill(f, Float.NaN);
                    a = f;
                } else {
                    int[] i = new int[length];
                    java.util.Arrays.fill(i, 0xDEADBEEF);
                    a = i;
                }
                arrays.set(slot, a);
            }
            return arrays.get(slot);
        }
    }
}
