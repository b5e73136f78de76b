package sparse.tasks.lang;

/**
 * What the work-items of one work-group share when a kernel runs on the JVM: a barrier and
 * the local arrays. Implemented by the JVM backend; devices implement it in hardware.
 */
public interface WorkGroup {

    /** Blocks until every work-item of the group has arrived. */
    void barrier();

    /**
     * The group's local array for the {@code slot}-th allocation a work-item makes (every
     * work-item makes the same allocations in the same order, so slots line up).
     */
    Object localArray(int slot, Class<?> arrayType, int length);

    /** One float per work-item of the group, the group's own, for {@link KernelContext#shuffle}. */
    float[] exchange();
}
