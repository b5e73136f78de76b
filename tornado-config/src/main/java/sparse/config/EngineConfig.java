package sparse.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which backend and device run kernels, launch grids per task, and the cache folder. Read in
 * one place: the defaults in {@code sparse/config/defaults.properties}, then environment
 * variables ({@code SPARSE_BACKEND_ORDER}, {@code SPARSE_DEVICE}, {@code SPARSE_CACHE_DIR},
 * {@code SPARSE_GRID="graph.task=G/L,..."}), then command-line flags (the same keys). A bad
 * value is a {@link ConfigException} that names the key and where the value came from.
 *
 * @param backendOrder backends in the order {@code auto} tries them
 * @param device       {@code auto}, {@code jvm}, {@code cuda:N} or {@code opencl:P:D}
 * @param cacheDir     folder for compiled device code
 * @param grids        launch grids by task id {@code graph.task}, as {@code G/L} text
 */
public record EngineConfig(List<String> backendOrder, String device, Path cacheDir, Map<String, String> grids) {

    public static final List<String> BACKENDS = List.of("cuda", "opencl", "jvm");

    private static final Set<String> KEYS = Set.of("backend.order", "device", "cache.dir");
    private static final Pattern DEVICE = Pattern.compile("auto|jvm|cuda:\\d+|opencl:\\d+:\\d+");
    private static final Pattern GRID = Pattern.compile("\\d+(x\\d+)?/\\d+(x\\d+)?");
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    /** The defaults overridden by the process environment and then by {@code flags}. */
    public static EngineConfig load(Map<String, String> flags) {
        return load(System.getenv(), flags);
    }

    /** As {@link #load(Map)}, with the environment given (for tests). */
    public static EngineConfig load(Map<String, String> env, Map<String, String> flags) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        Properties defaults = readDefaults();
        for (String key : defaults.stringPropertyNames()) {
            put(values, origin, key, defaults.getProperty(key), "defaults.properties");
        }
        for (String key : KEYS) {
            String envName = envName(key);
            if (env.containsKey(envName)) {
                put(values, origin, key, env.get(envName), "environment variable " + envName);
            }
        }
        if (env.containsKey("SPARSE_GRID")) {
            putGrids(values, origin, env.get("SPARSE_GRID"), "environment variable SPARSE_GRID");
        }
        for (Map.Entry<String, String> e : flags.entrySet()) {
            if (e.getKey().equals("grid")) {
                putGrids(values, origin, e.getValue(), "flag --grid");
            } else {
                put(values, origin, e.getKey(), e.getValue(), "flag --" + e.getKey().replace('.', '-'));
            }
        }
        return validate(values, origin);
    }

    public static String envName(String key) {
        return "SPARSE_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    private static void put(Map<String, String> values, Map<String, String> origin, String key, String value, String from) {
        if (!KEYS.contains(key) && !key.startsWith("grid.")) {
            throw new ConfigException(key, from, "unknown setting (known: " + String.join(", ", KEYS) + ", grid.GRAPH.TASK)");
        }
        values.put(key, value.trim());
        origin.put(key, from);
    }

    private static void putGrids(Map<String, String> values, Map<String, String> origin, String list, String from) {
        for (String item : list.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw new ConfigException("grid", from, "expected GRAPH.TASK=GLOBAL/LOCAL, got '" + item.trim() + "'");
            }
            put(values, origin, "grid." + item.substring(0, eq).trim(), item.substring(eq + 1), from);
        }
    }

    private static EngineConfig validate(Map<String, String> values, Map<String, String> origin) {
        List<String> order = new ArrayList<>();
        for (String b : values.get("backend.order").split(",")) {
            String name = b.trim();
            if (!BACKENDS.contains(name)) {
                throw new ConfigException("backend.order", origin.get("backend.order"),
                        "unknown backend '" + name + "' (known: " + String.join(", ", BACKENDS) + ")");
            }
            if (order.contains(name)) {
                throw new ConfigException("backend.order", origin.get("backend.order"), "backend '" + name + "' named twice");
            }
            order.add(name);
        }
        String device = values.get("device");
        if (!DEVICE.matcher(device).matches()) {
            throw new ConfigException("device", origin.get("device"),
                    "'" + device + "' is not a device (auto, jvm, cuda:N or opencl:P:D; ./sparse devices lists them)");
        }
        String cache = values.get("cache.dir").replace("${user.home}", System.getProperty("user.home"));
        if (cache.isBlank()) {
            throw new ConfigException("cache.dir", origin.get("cache.dir"), "empty folder name");
        }
        Map<String, String> grids = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!e.getKey().startsWith("grid.")) {
                continue;
            }
            String task = e.getKey().substring("grid.".length());
            if (!TASK_ID.matcher(task).matches()) {
                throw new ConfigException(e.getKey(), origin.get(e.getKey()), "a grid is keyed by GRAPH.TASK, not '" + task + "'");
            }
            if (!GRID.matcher(e.getValue()).matches()) {
                throw new ConfigException(e.getKey(), origin.get(e.getKey()),
                        "'" + e.getValue() + "' is not a grid (GLOBAL/LOCAL, e.g. 4096/256 or 64x32/16x16)");
            }
            grids.put(task, e.getValue());
        }
        return new EngineConfig(List.copyOf(order), device, Path.of(cache), Map.copyOf(grids));
    }

    private static Properties readDefaults() {
        Properties p = new Properties();
        try (InputStream in = EngineConfig.class.getResourceAsStream("defaults.properties")) {
            if (in == null) {
                throw new IllegalStateException("sparse/config/defaults.properties is missing from the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read sparse/config/defaults.properties", e);
        }
        return p;
    }
}
