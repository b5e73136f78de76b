package sparse.engine.graph;

/** When a task graph copies an array between the host and the device. */
public enum DataTransferMode {
    /** On the plan's first execution only: weights, a cache's initial contents. */
    FIRST_EXECUTION,
    /** Before (to the device) or after (to the host) every execution. */
    EVERY_EXECUTION,
    /** Device to host only when asked, through {@link ExecutionPlan#read}. */
    UNDER_DEMAND
}
