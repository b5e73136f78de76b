package sparse.examples;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sparse.config.EngineConfig;
import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;

/** {@code sparse devices}: every backend, its devices, the default, and why a backend is missing. */
@Command(name = "devices", mixinStandardHelpOptions = true, description = "List backends and devices, and the default device.")
final class DevicesCommand implements Runnable {
    @Mixin
    DeviceOptions options;

    @Override
    public void run() {
        EngineConfig config = options.config();
        List<Backends.Status> statuses = Backends.probe(EngineConfig.BACKENDS, config.cacheDir());
        String chosen;
        try {
            chosen = Backends.select(config).id();
        } catch (RuntimeException e) {
            chosen = null;
            System.out.println("default device: none (" + e.getMessage() + ")");
        }
        for (Backends.Status s : statuses) {
            if (!s.available()) {
                System.out.printf("%-7s unavailable: %s%n", s.backend(), s.unavailableReason());
                continue;
            }
            for (Device d : s.devices()) {
                System.out.printf("%-7s %-14s %s%s  (%d MiB, work-groups up to %d, %d KiB local)%n",
                        s.backend(), d.id(), d.name(), d.id().equals(chosen) ? "  [default]" : "",
                        d.globalMemoryBytes() >> 20, d.maxWorkGroupSize(), d.localMemoryBytes() >> 10);
            }
        }
        if (chosen != null) {
            System.out.println("default device: " + chosen + " (device=" + config.device()
                    + ", backend order " + String.join(",", config.backendOrder()) + ")");
        }
    }
}
