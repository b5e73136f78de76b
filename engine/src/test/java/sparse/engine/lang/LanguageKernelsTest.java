package sparse.engine.lang;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;

/**
 * Runs every kernel of {@link LanguageKernels} on every device here and checks it against the
 * host references of {@link LanguageCases}. Inputs are fresh each run (the seed is printed;
 * {@code -Dseed=N} repeats a run); outputs are poisoned before each launch.
 */
class LanguageKernelsTest {

    @TestFactory
    Stream<DynamicNode> everyKernelOnEveryDevice() {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("LanguageKernelsTest seed " + seed);
        List<Device> devices = Backends.devices();
        System.out.println("LanguageKernelsTest devices: " + devices.stream().map(Device::id).toList());
        List<DynamicNode> nodes = new ArrayList<>();
        for (Device device : devices) {
            List<DynamicTest> tests = LanguageCases.names().stream()
                    .map(name -> DynamicTest.dynamicTest(name, () -> run(device, LanguageCases.named(name, seed))))
                    .toList();
            nodes.add(DynamicContainer.dynamicContainer(device.id() + " (" + device.name() + ")", tests));
        }
        return nodes.stream();
    }

    private static void run(Device device, LanguageCases.Case c) {
        Object[] values = c.values();
        Object[] deviceArgs = new Object[values.length];
        List<DeviceBuffer> buffers = new ArrayList<>();
        try {
            for (int i = 0; i < values.length; i++) {
                LanguageCases.Arg arg = c.args().get(i);
                if (!values[i].getClass().isArray()) {
                    deviceArgs[i] = values[i];
                    continue;
                }
                if (arg.role() == LanguageCases.Role.OUT) {
                    LanguageCases.poison(values[i]);
                }
                DeviceBuffer buffer = device.allocate(ElementType.of(values[i]), ElementType.length(values[i]));
                buffers.add(buffer);
                buffer.write(values[i]);
                deviceArgs[i] = buffer;
            }
            Device.CompiledKernel kernel = device.compile(c.spec());
            device.launch(kernel, c.grid(), deviceArgs, false);
            device.synchronize();
            for (int i = 0; i < values.length; i++) {
                if (deviceArgs[i] instanceof DeviceBuffer buffer && c.args().get(i).role() != LanguageCases.Role.IN) {
                    buffer.read(values[i]);
                }
            }
            c.check().accept(values);
        } finally {
            buffers.forEach(DeviceBuffer::close);
        }
    }
}
