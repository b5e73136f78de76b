package sparse.engine.bench;

import java.util.Map;

/**
 * One method's decode step at one context, as measured by {@link DecodeBenchmark}.
 *
 * @param method             the method's name ({@code socket-shared} for SOCKET with a list per group)
 * @param context            cached tokens T
 * @param batch              sequences per step, each its own cache of {@code context} tokens
 * @param device             the device's id and name
 * @param density            attended keys over visible keys, averaged over heads
 * @param medianMicros       median device time of a step: from before its first launch to after its
 *                           last, as the device measures it
 * @param wallMicros         median wall time of a step without profiling (launches, the query's
 *                           upload, the read-back of output and lists)
 * @param stageMicros        median device time per stage (pack, hash, score, select, attend,
 *                           merge), in that order: its tasks' parts of the step, each from the
 *                           end of the task before it to its own end
 * @param tasks              kernel launches per step
 * @param bytes              the fewest bytes the step moves through device memory: the K and V
 *                           rows it attends, once per list that holds them, and the selection's
 *                           inputs (codes, norms, or keys), each read once
 * @param copyBytesPerSecond the device's copy bandwidth, measured in the same run
 * @param checkError         the largest ‖out − ref‖ / ‖ref‖ over heads of the first step against
 *                           float64 attention over the same lists (NaN where lists carry weights)
 * @param caches             KV caches rotated between steps
 * @param repeats            timed steps behind each median
 */
public record BenchResult(String method, int context, int batch, String device, double density, double medianMicros,
                          double wallMicros, Map<String, Double> stageMicros, int tasks, long bytes,
                          double copyBytesPerSecond, double checkError, int caches, int repeats) {

    /** Bytes moved per second of device time. */
    public double bytesPerSecond() {
        return bytes / (medianMicros * 1e-6);
    }

    /** {@link #bytesPerSecond()} as a fraction of the copy bandwidth. */
    public double fractionOfCopy() {
        return bytesPerSecond() / copyBytesPerSecond;
    }
}
