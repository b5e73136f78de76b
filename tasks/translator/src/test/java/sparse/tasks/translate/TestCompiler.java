package sparse.tasks.translate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URLClassLoader;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import sparse.tasks.lang.KernelSpec;

/** Compiles Java sources in-process with the kernel processor, as the build does. */
final class TestCompiler {
    private TestCompiler() {
    }

    /** What one compilation gave: the diagnostics, and the translated kernels of each holder it generated. */
    record Result(List<Diagnostic<? extends JavaFileObject>> diagnostics, boolean success, ClassLoader loader,
                  List<String> holders) {

        List<Diagnostic<? extends JavaFileObject>> errors() {
            return diagnostics.stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
        }

        @SuppressWarnings("unchecked")
        List<KernelSpec> kernels(String holder) {
            try {
                return (List<KernelSpec>) loader.loadClass(holder).getMethod("all").invoke(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        String describe() {
            StringBuilder b = new StringBuilder();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics) {
                b.append("\n  ").append(d.getKind()).append(" [line ").append(d.getLineNumber()).append("] ")
                        .append(d.getMessage(Locale.ROOT));
            }
            return b.toString();
        }
    }

    static Result compile(Path... sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            Path out = Files.createTempDirectory("kernels");
            Path generated = Files.createDirectories(out.resolve("generated"));
            List<String> options = List.of("-d", out.toString(), "-s", generated.toString(),
                    "-classpath", System.getProperty("java.class.path"));
            JavaCompiler.CompilationTask task = javac.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjects(sources));
            task.setProcessors(List.of(new KernelProcessor()));
            boolean ok = task.call();
            List<String> holders;
            try (Stream<Path> walk = Files.walk(generated)) {
                holders = walk.filter(p -> p.toString().endsWith("Translated.java"))
                        .map(p -> generated.relativize(p).toString().replace('/', '.').replaceAll("\\.java$", ""))
                        .sorted().toList();
            }
            ClassLoader loader = new URLClassLoader(new URL[]{out.toUri().toURL()}, TestCompiler.class.getClassLoader());
            return new Result(List.copyOf(diagnostics.getDiagnostics()), ok, loader, holders);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
