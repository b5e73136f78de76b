package sparse.engine.backend.opencl;

import java.lang.foreign.MemorySegment;
import sparse.engine.backend.Device;
import sparse.tasks.lang.KernelSpec;

/** A {@code cl_kernel} of one device's built program. */
final class OpenClKernel implements Device.CompiledKernel {
    final OpenClDevice device;
    private final KernelSpec spec;
    final MemorySegment handle;

    OpenClKernel(OpenClDevice device, KernelSpec spec, MemorySegment handle) {
        this.device = device;
        this.spec = spec;
        this.handle = handle;
    }

    @Override
    public KernelSpec spec() {
        return spec;
    }

    @Override
    public String toString() {
        return spec.kernelClass() + "." + spec.name() + " on " + device.id();
    }
}
