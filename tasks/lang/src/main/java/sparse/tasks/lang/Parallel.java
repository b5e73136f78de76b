package sparse.tasks.lang;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the index of a {@code for} loop whose iterations are independent: on a device each
 * iteration runs as one work-item (a grid-stride loop over dimension 0, or 1 for the inner
 * of two nested parallel loops). On the JVM the loop runs as written.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.LOCAL_VARIABLE)
public @interface Parallel {
}
