package sparse.engine.graph;

/**
 * How an execution times its launches on the device, issued back to back without waits
 * ({@link sparse.engine.backend.Device#timeSpans}).
 */
public enum StepTiming {
    /** No device timing. */
    OFF,
    /** One span from before the first launch to after the last: what the step costs, launch gaps included. */
    STEP,
    /**
     * A span per task, from the end of the one before: each task's part of the step, the gap
     * before it included. The events between launches add host time of their own, so a step
     * timed this way can take a little longer than under {@link #STEP}.
     */
    TASKS
}
