package sparse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineConfigTest {

    @Test
    void defaultsTryEveryBackendAndPickAutomatically() {
        EngineConfig c = EngineConfig.load(Map.of(), Map.of());
        assertEquals(List.of("cuda", "opencl", "jvm"), c.backendOrder());
        assertEquals("auto", c.device());
        assertTrue(c.cacheDir().toString().endsWith(".cache/sparse"));
        assertTrue(c.grids().isEmpty());
    }

    @Test
    void flagBeatsEnvironmentBeatsDefault() {
        Map<String, String> env = Map.of("SPARSE_DEVICE", "jvm", "SPARSE_BACKEND_ORDER", "opencl,jvm");
        EngineConfig fromEnv = EngineConfig.load(env, Map.of());
        assertEquals("jvm", fromEnv.device());
        assertEquals(List.of("opencl", "jvm"), fromEnv.backendOrder());
        EngineConfig fromFlag = EngineConfig.load(env, Map.of("device", "opencl:0:0"));
        assertEquals("opencl:0:0", fromFlag.device());
    }

    @Test
    void gridsComeFromEnvironmentAndFlags() {
        EngineConfig c = EngineConfig.load(Map.of("SPARSE_GRID", "decode.scores=4096/128, decode.merge=64x32/16x16"),
                Map.of("grid", "decode.scores=8192/256"));
        assertEquals("8192/256", c.grids().get("decode.scores"));
        assertEquals("64x32/16x16", c.grids().get("decode.merge"));
    }

    @Test
    void badValuesNameTheKeyAndTheirOrigin() {
        ConfigException device = assertThrows(ConfigException.class,
                () -> EngineConfig.load(Map.of("SPARSE_DEVICE", "gpu0"), Map.of()));
        assertEquals("device", device.key);
        assertTrue(device.getMessage().contains("SPARSE_DEVICE"), device.getMessage());

        ConfigException backend = assertThrows(ConfigException.class,
                () -> EngineConfig.load(Map.of(), Map.of("backend.order", "cuda,metal")));
        assertTrue(backend.getMessage().contains("unknown backend 'metal'"), backend.getMessage());

        ConfigException grid = assertThrows(ConfigException.class,
                () -> EngineConfig.load(Map.of(), Map.of("grid", "decode.scores=lots")));
        assertEquals("grid.decode.scores", grid.key);

        ConfigException unknown = assertThrows(ConfigException.class,
                () -> EngineConfig.load(Map.of(), Map.of("colour", "blue")));
        assertEquals("colour", unknown.key);
    }
}
