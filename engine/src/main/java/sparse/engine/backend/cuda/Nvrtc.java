package sparse.engine.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import sparse.engine.backend.BackendException;
import sparse.engine.backend.BackendUnavailableException;

/**
 * The NVRTC functions this backend calls: CUDA C source in, PTX out. {@code nvrtcProgram} is
 * a {@link MemorySegment} address. Every status goes through {@link #check}, which names the
 * call and the status ({@code nvrtcGetErrorString}).
 */
final class Nvrtc {
    /** Newest first; the unversioned name is what a toolkit's development package installs. */
    private static final List<String> LIBRARY_NAMES = List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11", "libnvrtc.so");
    private static final int NVRTC_SUCCESS = 0;
    private static final int NVRTC_ERROR_COMPILATION = 6;

    private final String library;
    private final MethodHandle nvrtcGetErrorString;
    private final MethodHandle nvrtcVersion;
    private final MethodHandle nvrtcCreateProgram;
    private final MethodHandle nvrtcCompileProgram;
    private final MethodHandle nvrtcGetProgramLogSize;
    private final MethodHandle nvrtcGetProgramLog;
    private final MethodHandle nvrtcGetPTXSize;
    private final MethodHandle nvrtcGetPTX;
    private final MethodHandle nvrtcDestroyProgram;

    private Nvrtc(String library, SymbolLookup lib) {
        this.library = library;
        Linker linker = Linker.nativeLinker();
        nvrtcGetErrorString = linker.downcallHandle(find(lib, "nvrtcGetErrorString"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
        nvrtcVersion = bind(lib, "nvrtcVersion", ADDRESS, ADDRESS);
        nvrtcCreateProgram = bind(lib, "nvrtcCreateProgram", ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        nvrtcCompileProgram = bind(lib, "nvrtcCompileProgram", ADDRESS, JAVA_INT, ADDRESS);
        nvrtcGetProgramLogSize = bind(lib, "nvrtcGetProgramLogSize", ADDRESS, ADDRESS);
        nvrtcGetProgramLog = bind(lib, "nvrtcGetProgramLog", ADDRESS, ADDRESS);
        nvrtcGetPTXSize = bind(lib, "nvrtcGetPTXSize", ADDRESS, ADDRESS);
        nvrtcGetPTX = bind(lib, "nvrtcGetPTX", ADDRESS, ADDRESS);
        nvrtcDestroyProgram = bind(lib, "nvrtcDestroyProgram", ADDRESS);
    }

    /** Loads the newest NVRTC on the library path; without one the backend cannot compile, so it is unavailable. */
    static Nvrtc load() {
        for (String name : LIBRARY_NAMES) {
            try {
                return new Nvrtc(name, SymbolLookup.libraryLookup(name, Arena.global()));
            } catch (IllegalArgumentException notFound) {
                // try the next name
            }
        }
        throw new BackendUnavailableException("no NVRTC (tried " + String.join(", ", LIBRARY_NAMES)
                + " on the library path): the cuda backend compiles its kernels with it");
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new BackendUnavailableException("NVRTC has no " + name));
    }

    /** Every function but nvrtcGetErrorString returns an {@code nvrtcResult}. */
    private static MethodHandle bind(SymbolLookup lib, String name, MemoryLayout... args) {
        return Linker.nativeLinker().downcallHandle(find(lib, name), FunctionDescriptor.of(JAVA_INT, args));
    }

    @FunctionalInterface
    private interface Call {
        int invoke() throws Throwable;
    }

    private static int status(Call call) {
        try {
            return call.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("unexpected checked exception from a native call", t);
        }
    }

    /** The status's name, e.g. {@code NVRTC_ERROR_COMPILATION}. */
    String errorString(int status) {
        try {
            MemorySegment text = (MemorySegment) nvrtcGetErrorString.invokeExact(status);
            return text.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("unexpected checked exception from a native call", t);
        }
    }

    /** Throws a {@link BackendException} naming {@code call} and the status when the status is not success. */
    void check(String call, int status) {
        if (status != NVRTC_SUCCESS) {
            throw new BackendException(call + " failed: " + errorString(status) + " (" + status + ")");
        }
    }

    private void run(String name, Call call) {
        check(name, status(call));
    }

    /** The file name that was loaded, e.g. {@code libnvrtc.so.13}. */
    String library() {
        return library;
    }

    /** {@code major.minor}, e.g. {@code 13.0}. */
    String version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(JAVA_INT);
            MemorySegment minor = arena.allocate(JAVA_INT);
            run("nvrtcVersion", () -> (int) nvrtcVersion.invokeExact(major, minor));
            return major.get(JAVA_INT, 0) + "." + minor.get(JAVA_INT, 0);
        }
    }

    /** What a compile gave: PTX when it compiled, and the compiler's log either way. */
    record Output(boolean compiled, String ptx, String log) {
    }

    /**
     * Compiles {@code source} to PTX. A program the compiler rejects is an {@link Output} with
     * its log; any other failure (NVRTC itself broken, e.g. libnvrtc-builtins missing) throws.
     */
    Output compile(String source, String programName, List<String> options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment programOut = arena.allocate(ADDRESS);
            MemorySegment text = arena.allocateFrom(source);
            MemorySegment name = arena.allocateFrom(programName);
            run("nvrtcCreateProgram", () -> (int) nvrtcCreateProgram.invokeExact(programOut, text, name, 0,
                    MemorySegment.NULL, MemorySegment.NULL));
            MemorySegment program = programOut.get(ADDRESS, 0);
            try {
                MemorySegment optionArray = arena.allocate(ADDRESS, options.size());
                for (int i = 0; i < options.size(); i++) {
                    optionArray.setAtIndex(ADDRESS, i, arena.allocateFrom(options.get(i)));
                }
                int status = status(() -> (int) nvrtcCompileProgram.invokeExact(program, options.size(), optionArray));
                String log = log(arena, program);
                if (status == NVRTC_ERROR_COMPILATION) {
                    return new Output(false, null, log);
                }
                if (status != NVRTC_SUCCESS) {
                    throw new BackendException("nvrtcCompileProgram failed: " + errorString(status) + " (" + status
                            + ") with " + library + "; log:\n" + log);
                }
                MemorySegment size = arena.allocate(JAVA_LONG);
                run("nvrtcGetPTXSize", () -> (int) nvrtcGetPTXSize.invokeExact(program, size));
                MemorySegment ptx = arena.allocate(size.get(JAVA_LONG, 0));
                run("nvrtcGetPTX", () -> (int) nvrtcGetPTX.invokeExact(program, ptx));
                return new Output(true, ptx.getString(0), log);
            } finally {
                run("nvrtcDestroyProgram", () -> (int) nvrtcDestroyProgram.invokeExact(programOut));
            }
        }
    }

    private String log(Arena arena, MemorySegment program) {
        MemorySegment size = arena.allocate(JAVA_LONG);
        run("nvrtcGetProgramLogSize", () -> (int) nvrtcGetProgramLogSize.invokeExact(program, size));
        MemorySegment log = arena.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
        run("nvrtcGetProgramLog", () -> (int) nvrtcGetProgramLog.invokeExact(program, log));
        return log.getString(0);
    }
}
