package sparse.tasks.translate;

import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import sparse.tasks.lang.KernelSpec;

/**
 * Translates the {@code @Kernel} methods of each class to OpenCL C and CUDA C and generates
 * {@code <Class>Translated} holding their {@link KernelSpec}s. The stages, each stopping the
 * class's translation when it reported errors: read (javac trees to IR), check, print (one
 * printer per dialect), write the holder.
 */
@SupportedAnnotationTypes(Reader.KERNEL)
public final class KernelProcessor extends AbstractProcessor {
    private Trees trees;

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        trees = Trees.instance(env);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        Map<TypeElement, List<ExecutableElement>> byClass = new LinkedHashMap<>();
        for (TypeElement annotation : annotations) {
            for (Element e : round.getElementsAnnotatedWith(annotation)) {
                if (e.getKind() == ElementKind.METHOD) {
                    byClass.computeIfAbsent((TypeElement) e.getEnclosingElement(), k -> new ArrayList<>())
                            .add((ExecutableElement) e);
                }
            }
        }
        byClass.forEach(this::translate);
        return true;
    }

    private void translate(TypeElement type, List<ExecutableElement> kernels) {
        TreePath path = trees.getPath(type);
        if (path == null) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                    "the translator needs the source of " + type.getQualifiedName(), type);
            return;
        }
        Reporter reporter = new Reporter(trees, processingEnv.getMessager(), path.getCompilationUnit());
        if (type.getNestingKind() == NestingKind.LOCAL || type.getNestingKind() == NestingKind.ANONYMOUS
                || type.getModifiers().contains(Modifier.PRIVATE)
                || (type.getNestingKind() == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC))) {
            reporter.error(type, "kernel classes must be top-level or static nested classes, not private");
            return;
        }
        String javaFile = path.getCompilationUnit().getSourceFile().getName();
        javaFile = javaFile.substring(javaFile.lastIndexOf('/') + 1);
        String binaryName = processingEnv.getElementUtils().getBinaryName(type).toString();
        String packageName = processingEnv.getElementUtils().getPackageOf(type).getQualifiedName().toString();
        String simpleName = type.getSimpleName().toString();

        List<Program.Function> functions = new Reader(trees, reporter, type).read(kernels);
        if (reporter.failed()) {
            return;
        }
        Program program = new Checker(reporter).check(new Program(binaryName, type.getQualifiedName().toString(),
                simpleName, javaFile, functions));
        if (reporter.failed()) {
            return;
        }
        KernelSpec.Source opencl = new OpenClPrinter().print(program);
        KernelSpec.Source cuda = new CudaPrinter().print(program);

        String holder = KernelSpec.holderClassName(binaryName);
        String holderSimple = packageName.isEmpty() ? holder : holder.substring(packageName.length() + 1);
        try {
            JavaFileObject file = processingEnv.getFiler().createSourceFile(holder, type);
            try (Writer w = file.openWriter()) {
                w.write(HolderWriter.write(packageName, holderSimple, program, opencl, cuda));
            }
        } catch (IOException e) {
            reporter.error(type, "cannot write " + holder + ": " + e.getMessage());
        }
    }

    /**
     * Processors run before javac has typed method bodies. Asking for the element of a tree
     * that has none (a method's body block) makes javac attribute the method's whole class, so
     * that every later type and element query on its trees has an answer: the kernel class's,
     * and any other class whose helpers its kernels call.
     */
    static void attribute(Trees trees, ExecutableElement method) {
        TreePath methodPath = trees.getPath(method);
        MethodTree tree = trees.getTree(method);
        if (methodPath != null && tree != null && tree.getBody() != null) {
            trees.getElement(new TreePath(methodPath, tree.getBody()));
        }
    }
}
