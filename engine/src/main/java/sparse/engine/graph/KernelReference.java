package sparse.engine.graph;

import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import sparse.tasks.lang.KernelSpec;

/**
 * Finds the translated kernel a method reference names. A serializable method reference
 * carries, in its serialized form, the class and name of the method it refers to.
 */
final class KernelReference {
    private KernelReference() {
    }

    /**
     * The {@link KernelSpec} of {@code kernel}, or an error saying, for {@code taskId}, why it
     * has none. {@code withContext}: whether the task was given arguments after a KernelContext
     * parameter (context-style) or one per parameter (parallel-loop style).
     */
    static KernelSpec resolve(String taskId, Serializable kernel, boolean withContext) {
        if (kernel == null) {
            throw new IllegalArgumentException(taskId + ": the kernel is null");
        }
        SerializedLambda form = serializedForm(taskId, kernel);
        String method = form.getImplMethodName();
        String owner = form.getImplClass().replace('/', '.');
        if (method.startsWith("lambda$")) {
            throw new IllegalArgumentException(taskId + ": the kernel is a lambda; pass a method reference to a"
                    + " static @Kernel method instead (Kernels::name)");
        }
        if (form.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic) {
            throw new IllegalArgumentException(taskId + ": " + owner + "::" + method
                    + " is not a static method; kernels are static @Kernel methods");
        }
        KernelSpec spec;
        try {
            Class<?> kernelClass = Class.forName(owner, false, kernel.getClass().getClassLoader());
            spec = KernelSpec.lookup(kernelClass, method);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(taskId + ": cannot load the kernel class " + owner, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(taskId + ": " + e.getMessage(), e);
        }
        if (!withContext && spec.style() == KernelSpec.Style.CONTEXT) {
            throw new IllegalArgumentException(taskId + ": " + owner + "::" + method + " takes a KernelContext;"
                    + " pass only the arguments after it");
        }
        return spec;
    }

    private static SerializedLambda serializedForm(String taskId, Serializable kernel) {
        try {
            Method writeReplace = kernel.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            if (writeReplace.invoke(kernel) instanceof SerializedLambda form) {
                return form;
            }
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            // not a method reference or lambda: reported below
        } catch (InaccessibleObjectException e) {
            throw new IllegalArgumentException(taskId + ": cannot read which method the kernel reference names ("
                    + e.getMessage() + ")", e);
        }
        throw new IllegalArgumentException(taskId + ": the kernel is a " + kernel.getClass().getName()
                + ", not a method reference to a static @Kernel method (Kernels::name)");
    }
}
