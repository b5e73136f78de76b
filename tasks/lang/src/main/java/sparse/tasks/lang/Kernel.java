package sparse.tasks.lang;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static method as a kernel: the build translates its body to OpenCL C and CUDA C.
 *
 * <p>Two styles, as in TornadoVM: a method whose first parameter is a {@link KernelContext}
 * (one invocation per work-item), or a method with loops whose index is {@link Parallel}
 * (each iteration a work-item). Other static methods of the same class that a kernel calls
 * are translated as device helper functions.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Kernel {
}
