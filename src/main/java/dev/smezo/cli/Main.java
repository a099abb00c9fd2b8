package dev.smezo.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
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
        versionProvider = VersionInfo.class,
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
            "Run `smezo COMMAND --help` for a command's options."})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_USAGE = 2, EXIT_BAD_INPUT = 3, EXIT_DIVERGED = 4;

    /**
     * The commands, by the name each one's {@code @Command} gives. picocli reads every registered
     * command's options up front, about 0.2 s for all of them on a 2-core machine, so a run of one
     * command registers only that one ({@link #commandLine(String...)}).
     */
    static final Map<String, Class<?>> COMMANDS = commands(
            DemoCommand.class, InfoCommand.class, ScoreCommand.class, GenerateCommand.class, SynthCommand.class,
            QuantizeCommand.class, TasksCommand.class, EvalCommand.class, TrainCommand.class, SweepCommand.class, ReplayCommand.class,
            ConvergenceReportCommand.class,
            MpiPingCommand.class,
            BenchCommand.class, CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The one factory for command lines, used by {@link #main} and by in-process tests: with only the
     * command {@code args} runs when its first word names one, with none for a bare {@code --version},
     * else with all of them.
     */
    public static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new Main());
        String first = args.length > 0 ? args[0] : "";
        if (COMMANDS.containsKey(first) && !first.equals("help")) {
            cl.addSubcommand(first, COMMANDS.get(first));
        } else if (!bareVersion(args)) {
            for (var e : COMMANDS.entrySet()) cl.addSubcommand(e.getKey(), e.getValue());
        }
        cl.setExecutionExceptionHandler(new Errors());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpWidth(100);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    private static boolean bareVersion(String[] args) {
        return args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
    }

    private static Map<String, Class<?>> commands(Class<?>... classes) {
        Map<String, Class<?>> out = new LinkedHashMap<>();
        for (Class<?> c : classes) out.put(c.getAnnotation(Command.class).name(), c);
        return java.util.Collections.unmodifiableMap(out);
    }

    public static void main(String[] args) {
        if (bareVersion(args)) {
            // picocli's own classes take ~0.1 s to load and link (they predate class-data sharing's
            // class-file versions); a bare --version, run by scripts to check an install, skips them.
            for (String line : new VersionInfo().getVersion()) System.out.println(line);
            System.exit(EXIT_OK);
        }
        System.exit(commandLine(args).execute(args));
    }
}
