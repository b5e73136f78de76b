package sparse.engine.attention.dense;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import sparse.engine.attention.hardlsh.HardLshAttention;
import sparse.engine.attention.hardlsh.HardLshOptions;
import sparse.engine.attention.oracle.OracleAttention;
import sparse.engine.attention.oracle.OracleOptions;
import sparse.engine.attention.socket.SocketAttention;
import sparse.engine.attention.socket.SocketOptions;
import sparse.engine.attention.streaming.StreamingAttention;
import sparse.engine.attention.streaming.StreamingOptions;
import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;
import sparse.engine.graph.ExecutionResult;

/**
 * One layer's decode step per method on one device, Llama-3-8B shape (hq 32, hkv 8, d 128),
 * random fp16 cache: the first step (upload and hashing of the context) once, then the median
 * wall time of a step (selection, attention, read-back of output and lists) and the median
 * device time of each task.
 *
 * <pre>java ... sparse.engine.attention.dense.DecodeBench DEVICE_ID [CONTEXT...] [--density D]</pre>
 */
public final class DecodeBench {
    private DecodeBench() {
    }

    private static final int HQ = 32;
    private static final int HKV = 8;
    private static final int D = 128;
    private static final int WARMUP = 3;
    private static final int STEPS = 15;

    public static void main(String[] args) {
        List<Integer> contexts = new ArrayList<>();
        double density = 0.05;
        String deviceId = args.length > 0 ? args[0] : "cuda:0";
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--density")) {
                density = Double.parseDouble(args[++i]);
            } else {
                contexts.add(Integer.parseInt(args[i]));
            }
        }
        if (contexts.isEmpty()) {
            contexts = List.of(32768, 131072);
        }
        Device device = Backends.devices().stream().filter(d -> d.id().equals(deviceId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no device " + deviceId + " here"));
        System.out.println("device " + device.id() + " (" + device.name() + "), hq " + HQ + ", hkv " + HKV + ", d " + D
                + ", density " + density);
        for (int t : contexts) {
            MethodTests.Case c = MethodTests.Case.random(new SplittableRandom(t), HQ, HKV, D, t, t);
            Map<String, IndexListAttention> methods = new LinkedHashMap<>();
            methods.put("dense", new DenseAttention(device));
            methods.put("streaming", new StreamingAttention(device, new StreamingOptions(TokenBudget.ofDensity(density))));
            methods.put("oracle", new OracleAttention(device, new OracleOptions(TokenBudget.ofDensity(density))));
            methods.put("socket", new SocketAttention(device, SocketOptions.defaults().withDensity(density)));
            methods.put("socket-shared", new SocketAttention(device,
                    SocketOptions.defaults().withDensity(density).withSharedPerGroup(true)));
            methods.put("hardlsh", new HardLshAttention(device, HardLshOptions.defaults()));
            System.out.printf("%ncontext %d%n%-14s %10s %10s %8s  %s%n", t, "method", "first ms", "step us", "density",
                    "task device times (us, median)");
            for (var e : methods.entrySet()) {
                try (IndexListAttention m = e.getValue()) {
                    long start = System.nanoTime();
                    m.load(0, c.cache(t));
                    var first = m.decode(c.q(), HQ, t);
                    double firstMs = (System.nanoTime() - start) / 1e6;
                    for (int i = 0; i < WARMUP; i++) {
                        m.decode(c.q(), HQ, t);
                    }
                    long[] wall = new long[STEPS];
                    for (int i = 0; i < STEPS; i++) {
                        long s = System.nanoTime();
                        m.decode(c.q(), HQ, t);
                        wall[i] = System.nanoTime() - s;
                    }
                    m.setProfiling(true);
                    Map<String, long[]> tasks = new LinkedHashMap<>();
                    for (int i = 0; i < STEPS; i++) {
                        m.decode(c.q(), HQ, t);
                        ExecutionResult r = m.lastExecution();
                        int step = i;
                        r.taskTimesNanos().forEach((id, ns) -> tasks.computeIfAbsent(id, k -> new long[STEPS])[step] = ns);
                    }
                    StringBuilder b = new StringBuilder();
                    long total = 0;
                    List<Map.Entry<String, Long>> medians = new ArrayList<>();
                    tasks.forEach((id, times) -> medians.add(Map.entry(id.substring(id.indexOf('.') + 1), median(times))));
                    medians.sort(Map.Entry.<String, Long>comparingByValue().reversed());
                    for (var te : medians) {
                        total += te.getValue();
                        b.append(te.getKey()).append(' ').append(String.format("%.1f", te.getValue() / 1e3)).append(", ");
                    }
                    b.append("sum ").append(String.format("%.1f", total / 1e3));
                    System.out.printf("%-14s %10.1f %10.1f %8.4f  %s%n", e.getKey(), firstMs, median(wall) / 1e3,
                            first.density(t), b);
                }
            }
        }
    }

    private static long median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
