package sparse.tasks.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelSpec;
import sparse.tasks.lang.WorkGroup;

/** The generated holder: its specs describe the kernels, its invokers run the Java methods, its line maps point home. */
class HolderTest {

    private static List<KernelSpec> kernels(String golden) {
        TestCompiler.Result r = TestCompiler.compile(GoldenTest.GOLDEN.resolve(golden));
        assertTrue(r.success(), r.describe());
        return r.kernels(r.holders().get(0));
    }

    /** One work-item's context in a group of one, enough for kernels without barriers. */
    private static KernelContext context(int globalId) {
        WorkGroup group = new WorkGroup() {
            @Override
            public void barrier() {
            }

            @Override
            public Object localArray(int slot, Class<?> arrayType, int length) {
                throw new UnsupportedOperationException();
            }

            @Override
            public float[] exchange() {
                throw new UnsupportedOperationException();
            }
        };
        return new KernelContext(group, 0, 0, globalId, 0, 1, 1, 8, 1);
    }

    @Test
    void contextKernelSpecAndInvoker() {
        KernelSpec add = kernels("basic/ContextAdd.java").get(0);
        assertEquals("ContextAdd", add.kernelClass());
        assertEquals("add", add.name());
        assertEquals("ContextAdd_add", add.entryPoint());
        assertEquals(KernelSpec.Style.CONTEXT, add.style());
        assertEquals(List.of(new KernelSpec.Param("a", KernelSpec.Type.FLOAT_ARRAY),
                new KernelSpec.Param("b", KernelSpec.Type.FLOAT_ARRAY),
                new KernelSpec.Param("c", KernelSpec.Type.FLOAT_ARRAY),
                new KernelSpec.Param("n", KernelSpec.Type.INT)), add.params());
        assertEquals(List.of(), add.parallelBounds());
        assertFalse(add.usesBarrier());
        assertEquals("ContextAdd.java", add.javaFile());

        float[] a = {1, 2, 3};
        float[] b = {10, 20, 30};
        float[] c = new float[3];
        for (int i = 0; i < 4; i++) {
            add.invoker().invoke(context(i), new Object[]{a, b, c, 3});
        }
        assertArrayEquals(new float[]{11, 22, 33}, c);
    }

    @Test
    void parallelKernelBoundsAndInvoker() {
        List<KernelSpec> loops = kernels("basic/ParallelLoop.java");
        assertEquals(List.of("a.length"), loops.get(0).parallelBounds());
        assertEquals(List.of("n"), loops.get(1).parallelBounds());
        assertEquals(1, loops.get(2).parallelBounds().size());
        assertNull(loops.get(2).parallelBounds().get(0));

        float[] a = {1, 2, 3, 4};
        loops.get(1).invoker().invoke(null, new Object[]{a, 3, 2.0f});
        assertArrayEquals(new float[]{4, 8, 12, 4}, a);

        List<KernelSpec> grid = kernels("basic/Parallel2d.java");
        assertEquals(List.of("rows", "64"), grid.get(0).parallelBounds());
        assertEquals(List.of("16", "width"), grid.get(1).parallelBounds());
    }

    @Test
    void barrierIsFoundThroughHelpers() {
        List<KernelSpec> helpers = kernels("basic/Helpers.java");
        assertFalse(helpers.get(0).usesBarrier());
        assertTrue(helpers.get(1).usesBarrier());
        assertTrue(kernels("context/LocalReduce.java").get(0).usesBarrier());
        // a shuffle is a barrier on OpenCL and the JVM, also in a helper's helper
        List<KernelSpec> shuffles = kernels("context/Shuffle.java");
        assertTrue(shuffles.get(0).usesBarrier());
        assertTrue(shuffles.get(1).usesBarrier());
        assertFalse(shuffles.get(2).usesBarrier());
        assertTrue(shuffles.get(0).usesShuffle());
        assertTrue(shuffles.get(1).usesShuffle());
        assertFalse(shuffles.get(2).usesShuffle());
        assertFalse(kernels("context/LocalReduce.java").get(0).usesShuffle());
    }

    @Test
    void everyParameterTypeIsPassedThrough() {
        KernelSpec all = kernels("basic/ParamTypes.java").get(0);
        assertEquals(List.of(KernelSpec.Type.INT, KernelSpec.Type.LONG, KernelSpec.Type.FLOAT, KernelSpec.Type.SHORT,
                KernelSpec.Type.BYTE, KernelSpec.Type.FLOAT_ARRAY, KernelSpec.Type.INT_ARRAY, KernelSpec.Type.SHORT_ARRAY,
                KernelSpec.Type.BYTE_ARRAY, KernelSpec.Type.LONG_ARRAY), all.params().stream().map(KernelSpec.Param::type).toList());
        float[] fa = new float[1];
        int[] ia = new int[1];
        short[] sa = new short[1];
        byte[] ba = new byte[1];
        long[] la = new long[1];
        all.invoker().invoke(context(0), new Object[]{7, 8L, 0.5f, (short) 9, (byte) 10, fa, ia, sa, ba, la});
        assertArrayEquals(new float[]{1.5f}, fa);
        assertArrayEquals(new int[]{8}, ia);
        assertArrayEquals(new short[]{9}, sa);
        assertArrayEquals(new byte[]{10}, ba);
        assertArrayEquals(new long[]{9L}, la);
    }

    /** KernelSpec.lookup finds the holder of a nested kernel class by its binary name. */
    @Test
    void lookupFindsNestedClassKernels() throws ClassNotFoundException {
        TestCompiler.Result r = TestCompiler.compile(GoldenTest.GOLDEN.resolve("basic/Nested.java"));
        assertTrue(r.success(), r.describe());
        assertEquals(List.of("Nested$InnerTranslated"), r.holders());
        KernelSpec copy = KernelSpec.lookup(r.loader().loadClass("Nested$Inner"), "copy");
        assertEquals("Inner_copy", copy.entryPoint());
        assertEquals("Nested$Inner", copy.kernelClass());
    }

    /** Each generated statement line maps to the Java line it came from. */
    @Test
    void lineMapsPointAtTheJavaStatement() throws IOException {
        KernelSpec add = kernels("basic/ContextAdd.java").get(0);
        List<String> java = Files.readAllLines(GoldenTest.GOLDEN.resolve("basic/ContextAdd.java"));
        for (KernelSpec.Source source : List.of(add.opencl(), add.cuda())) {
            String[] lines = source.text().split("\n");
            assertEquals(lines.length, source.javaLines().length);
            int store = List.of(lines).indexOf("        c[i] = a[i] + b[i];") + 1;
            assertTrue(java.get(source.javaLine(store) - 1).contains("c[i] = a[i] + b[i];"));
            assertEquals(0, source.javaLine(1));
            assertEquals(0, source.javaLine(lines.length + 1));
        }
    }

    /** A holder that holds more than a class constant can: the program text is split into several literals. */
    @Test
    void longProgramsFitTheClassFile() throws IOException {
        StringBuilder b = new StringBuilder("import sparse.tasks.lang.*;\nclass Long {\n");
        b.append("    @Kernel\n    static void big(KernelContext ctx, float[] a) {\n        int i = ctx.globalIdx;\n");
        for (int k = 0; k < 3000; k++) {
            b.append("        a[i] = a[i] * 1.0001f + KernelMath.exp(a[i] - ").append(k).append(".5f);\n");
        }
        b.append("    }\n}\n");
        Path dir = Files.createTempDirectory("long");
        Path source = Files.writeString(dir.resolve("Long.java"), b.toString());
        TestCompiler.Result r = TestCompiler.compile(source);
        assertTrue(r.success(), r.describe());
        KernelSpec big = r.kernels(r.holders().get(0)).get(0);
        assertTrue(big.opencl().text().length() > 70_000, "program should exceed one constant");
        // generated line 5 + k holds Java line 6 + k
        assertEquals(3005, big.opencl().javaLine(3004));
    }
}
