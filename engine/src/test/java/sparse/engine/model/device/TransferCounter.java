package sparse.engine.model.device;

import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.tasks.lang.KernelSpec;

/** Wraps a device to count the bytes its buffers copy each way; otherwise passes everything through. */
final class TransferCounter implements Device {
    private final Device device;
    long bytesToDevice;
    long bytesToHost;

    TransferCounter(Device device) {
        this.device = device;
    }

    void reset() {
        bytesToDevice = 0;
        bytesToHost = 0;
    }

    @Override
    public String backend() {
        return device.backend();
    }

    @Override
    public String id() {
        return device.id();
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public long globalMemoryBytes() {
        return device.globalMemoryBytes();
    }

    @Override
    public long freeMemoryBytes() {
        return device.freeMemoryBytes();
    }

    @Override
    public int maxWorkGroupSize() {
        return device.maxWorkGroupSize();
    }

    @Override
    public long localMemoryBytes() {
        return device.localMemoryBytes();
    }

    @Override
    public DeviceBuffer allocate(ElementType type, long length) {
        return new Counted(device.allocate(type, length));
    }

    @Override
    public CompiledKernel compile(KernelSpec spec) {
        return device.compile(spec);
    }

    @Override
    public long launch(CompiledKernel kernel, Grid grid, Object[] args, boolean timed) {
        Object[] unwrapped = args.clone();
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Counted c) {
                unwrapped[i] = c.buffer;
            }
        }
        return device.launch(kernel, grid, unwrapped, timed);
    }

    @Override
    public void synchronize() {
        device.synchronize();
    }

    @Override
    public void close() {
        // the wrapped device belongs to the test class
    }

    private final class Counted implements DeviceBuffer {
        final DeviceBuffer buffer;

        Counted(DeviceBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public ElementType type() {
            return buffer.type();
        }

        @Override
        public long length() {
            return buffer.length();
        }

        @Override
        public void write(Object hostArray, int hostOffset, long deviceOffset, int count) {
            bytesToDevice += (long) count * buffer.type().bytes;
            buffer.write(hostArray, hostOffset, deviceOffset, count);
        }

        @Override
        public void read(Object hostArray, int hostOffset, long deviceOffset, int count) {
            bytesToHost += (long) count * buffer.type().bytes;
            buffer.read(hostArray, hostOffset, deviceOffset, count);
        }

        @Override
        public void close() {
            buffer.close();
        }
    }
}
