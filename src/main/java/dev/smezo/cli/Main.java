package dev.smezo.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code smezo}: fine-tune GGUF language models with Sparse MeZO, at inference memory.
 *
 * <p>Exit codes (also in {@code --help}): 0 success, 1 internal error, 2 usage error, 3 bad input
 * (a model, task or data file that cannot be used), 4 training stopped on non-finite losses.
 */
@Command(name = "smezo",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Fine-tune GGUF language models with Sparse MeZO (arXiv 2402.15751): a zeroth-order optimizer "
                    + "that needs two forward passes per step and no backpropagation, so training costs what "
                    + "inference costs. ggml underneath, CPU everywhere.",
            "",
            "Start with `smezo demo`; then `smezo tasks`, `smezo eval`, `smezo train`."},
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n",
        footer = {
            "Exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input file, 4 non-finite loss.",
            "Environment: SMEZO_GGML_LOG=debug|info|warn|error shows ggml/libllama logging.",
            "Run `smezo COMMAND --help` for a command's options."},
        subcommands = {
            DemoCommand.class,
            InfoCommand.class,
            ScoreCommand.class,
            GenerateCommand.class,
            SynthCommand.class,
            QuantizeCommand.class,
            TasksCommand.class,
            EvalCommand.class,
            TrainCommand.class,
            ReplayCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {
    public static final int EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_USAGE = 2, EXIT_BAD_INPUT = 3, EXIT_DIVERGED = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The one factory for command lines, used by {@link #main} and by in-process tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new Errors());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpWidth(100);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"smezo " + (v == null ? "dev" : v)
                    + " (ggml 0.25.1, llama.cpp de3ff815ea7d559ee917f063901b8986f038abc6)"};
        }
    }
}
