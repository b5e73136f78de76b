package sparse.engine.graph;

import java.util.Map;
import java.util.stream.Collectors;
import sparse.engine.backend.Device;

/**
 * What one execution of a plan did: the device that ran it, its wall-clock time (transfers
 * included), the device time of its launches back to back with step timing ({@code stepNanos},
 * -1 without), and each task's device time in nanoseconds by task id: with profiling each task
 * timed alone, with {@link StepTiming#TASKS} each task's part of the step, whose sum is
 * {@code stepNanos} ({@link Device#timeSpans}).
 */
public record ExecutionResult(String graph, Device device, long wallNanos, Map<String, Long> taskTimesNanos,
                              long stepNanos) {

    @Override
    public String toString() {
        String tasks = taskTimesNanos.entrySet().stream()
                .map(e -> String.format("%s %.1f us", e.getKey(), e.getValue() / 1e3))
                .collect(Collectors.joining(", "));
        return String.format("%s on %s %s (%s): %.1f us%s%s", graph, device.backend(), device.id(), device.name(),
                wallNanos / 1e3, stepNanos < 0 ? "" : String.format(", launches %.1f us", stepNanos / 1e3),
                tasks.isEmpty() ? "" : "; " + tasks);
    }
}
