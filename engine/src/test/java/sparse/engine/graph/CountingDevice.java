package sparse.engine.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.tasks.lang.KernelSpec;

/**
 * Wraps a device to record what is asked of it: each buffer's copies, each kernel's last grid;
 * otherwise passes everything through. Public for the model tests, which count a step's bytes.
 */
public final class CountingDevice implements Device {
    private final Device device;
    final List<CountingBuffer> buffers = new ArrayList<>();
    final Map<String, Grid> lastGrid = new HashMap<>();

    public CountingDevice(Device device) {
        this.device = device;
    }

    /** Forgets every buffer's copies so far, so the next counts are of what follows. */
    public void reset() {
        for (CountingBuffer b : buffers) {
            b.elementsWritten = 0;
            b.elementsRead = 0;
            b.writes.clear();
        }
    }

    /** Bytes copied to the device since allocation or {@link #reset}, closed buffers included. */
    public long bytesToDevice() {
        return buffers.stream().mapToLong(b -> b.elementsWritten * b.type().bytes).sum();
    }

    /** Bytes copied back to the host since allocation or {@link #reset}, closed buffers included. */
    public long bytesToHost() {
        return buffers.stream().mapToLong(b -> b.elementsRead * b.type().bytes).sum();
    }

    /** The one buffer of {@code length} elements (the tests give their arrays distinct lengths). */
    CountingBuffer buffer(int length) {
        List<CountingBuffer> found = buffers.stream().filter(b -> b.length() == length).toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " buffers of length " + length);
        }
        return found.getFirst();
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
    public boolean registerShuffles() {
        return device.registerShuffles();
    }

    @Override
    public DeviceBuffer allocate(ElementType type, long length) {
        CountingBuffer b = new CountingBuffer(device.allocate(type, length));
        buffers.add(b);
        return b;
    }

    @Override
    public CompiledKernel compile(KernelSpec spec) {
        return device.compile(spec);
    }

    @Override
    public long launch(CompiledKernel kernel, Grid grid, Object[] args, boolean timed) {
        lastGrid.put(kernel.spec().name(), grid);
        Object[] unwrapped = args.clone();
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof CountingBuffer b) {
                unwrapped[i] = b.buffer;
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

    static final class CountingBuffer implements DeviceBuffer {
        final DeviceBuffer buffer;
        long elementsWritten;
        long elementsRead;
        final List<String> writes = new ArrayList<>();   // "offset+count"
        boolean closed;

        CountingBuffer(DeviceBuffer buffer) {
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
            elementsWritten += count;
            writes.add(deviceOffset + "+" + count);
            buffer.write(hostArray, hostOffset, deviceOffset, count);
        }

        @Override
        public void read(Object hostArray, int hostOffset, long deviceOffset, int count) {
            elementsRead += count;
            buffer.read(hostArray, hostOffset, deviceOffset, count);
        }

        @Override
        public void close() {
            closed = true;
            buffer.close();
        }
    }
}
