import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Objects {
    @Kernel
    static void objects(KernelContext ctx, float[] a, int n) {
        int[] tmp = new int[n]; // expect-error: [line 7] objects are not supported in kernels: new int[n] allocates
        a[0] = new int[n].length; // expect-error: [line 8] objects are not supported in kernels: new int[n] allocates
        a[1] = new float[] {1f}[0]; // expect-error: [line 9] objects are not supported in kernels: new float[]{1.0F} allocates
        String s = "x"; // expect-error: [line 10] strings are not supported in kernels
        Object o = null; // expect-error: [line 11] objects are not supported in kernels: null
        boolean b = a instanceof Object; // expect-error: [line 12] objects are not supported in kernels: instanceof
        Integer boxed = 3; // expect-error: [line 13] objects are not supported in kernels: java.lang.Integer
        a[2] = s.length(); // expect-error: [line 14] calls to java.lang.String.length are not supported in kernels
        int[] alias = a.length > 0 ? null : null; // expect-error: [line 15] array variables are only supported as local arrays
        Objects other = new Objects(); // expect-error: [line 16] objects are not supported in kernels: new Objects() allocates
    }
}
