package sparse.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import sparse.config.ConfigException;
import sparse.engine.attention.workload.WorkloadException;
import sparse.engine.model.gguf.GgufFormatException;

/** The {@code sparse} command: parses, then hands each subcommand to its own class. */
@Command(name = "sparse", mixinStandardHelpOptions = true, version = "sparse 0.1.0",
        description = "Long-context sparse attention (SOCKET, Sketch&Walk) with kernels written in Java.",
        subcommands = {DevicesCommand.class, BandwidthCommand.class, EvalCommand.class, GenerateCommand.class, AgreeCommand.class, DemoCommand.class, BenchCommand.class})
public final class Main implements Runnable {

    /** Exit status for bad input: unknown options, impossible budgets, malformed files. */
    public static final int BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; returns the exit status. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean badInput = e instanceof IllegalArgumentException || e instanceof ConfigException
                    || e instanceof WorkloadException || e instanceof GgufFormatException;
            cmd.getErr().println("sparse: " + oneLine(e));
            return badInput ? BAD_INPUT : 1;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            // an Error, which picocli passes on: the run asked for more Java heap than the JVM has
            cli.getErr().println("sparse: out of Java heap (" + e.getMessage() + "; at most "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB): ask for less (a shorter context, a"
                    + " smaller batch) or give the JVM more, e.g. SPARSE_JAVA_OPTS=-Xmx64g");
            return 1;
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
