package sparse.engine.lang;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import sparse.engine.backend.Grid;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelSpec;
import sparse.tasks.lang.WorkGroup;

/**
 * Checks the Java bodies of {@link LanguageKernels} against the same references, through the
 * generated invokers and a small host runner here (one thread per work-item where a kernel
 * has barriers), so the kernels and references are known good before any backend runs them.
 */
class LanguageKernelsJavaTest {

    @TestFactory
    Stream<DynamicTest> javaBodies() {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("LanguageKernelsJavaTest seed " + seed);
        return LanguageCases.all(seed).stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Object[] values = c.values();
            for (int i = 0; i < values.length; i++) {
                if (c.args().get(i).role() == LanguageCases.Role.OUT) {
                    LanguageCases.poison(values[i]);
                }
            }
            runOnHost(c.spec(), c.grid(), values);
            c.check().accept(values);
        }));
    }

    static void runOnHost(KernelSpec spec, Grid grid, Object[] args) throws InterruptedException {
        if (spec.style() == KernelSpec.Style.PARALLEL) {
            spec.invoker().invoke(null, args);
            return;
        }
        int groupsX = (int) grid.groups(0);
        int groupsY = grid.dimensions() > 1 ? (int) grid.groups(1) : 1;
        int localX = grid.local()[0];
        int localY = grid.dimensions() > 1 ? grid.local()[1] : 1;
        for (int gy = 0; gy < groupsY; gy++) {
            for (int gx = 0; gx < groupsX; gx++) {
                HostGroup group = new HostGroup(localX * localY);
                List<Runnable> items = new ArrayList<>();
                for (int ly = 0; ly < localY; ly++) {
                    for (int lx = 0; lx < localX; lx++) {
                        KernelContext ctx = new KernelContext(group, lx, ly, gx, gy, localX, localY, groupsX, groupsY);
                        items.add(() -> spec.invoker().invoke(ctx, args));
                    }
                }
                if (spec.usesBarrier()) {
                    runTogether(items);
                } else {
                    items.forEach(Runnable::run);
                }
            }
        }
    }

    /** Runs a group's work-items each on its own thread, so that barriers can meet. */
    private static void runTogether(List<Runnable> items) throws InterruptedException {
        List<Throwable> failures = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (Runnable item : items) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    item.run();
                } catch (Throwable t) {
                    synchronized (failures) {
                        failures.add(t);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("a work-item failed", failures.get(0));
        }
    }

    /** A work-group on the host: a barrier over its work-items and its local arrays by slot. */
    private static final class HostGroup implements WorkGroup {
        private final CyclicBarrier barrier;
        private final Map<Integer, Object> locals = new HashMap<>();

        HostGroup(int size) {
            barrier = new CyclicBarrier(size);
        }

        @Override
        public void barrier() {
            try {
                barrier.await();
            } catch (InterruptedException | BrokenBarrierException e) {
                throw new IllegalStateException("barrier broken", e);
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
            return locals.computeIfAbsent(slot, s -> Array.newInstance(arrayType.getComponentType(), length));
        }
    }
}
