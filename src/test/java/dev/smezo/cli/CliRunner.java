package dev.smezo.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** Runs smezo commands in-process, capturing stdout (commands print results to System.out) and stderr. */
public final class CliRunner {
    public record Result(int exitCode, String out, String err) {}

    private CliRunner() {}

    public static synchronized Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        StringWriter picoOut = new StringWriter(), picoErr = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(new PrintWriter(picoOut, true), new PrintWriter(picoErr, true), args);
            return new Result(code, out.toString(StandardCharsets.UTF_8) + picoOut,
                    err.toString(StandardCharsets.UTF_8) + picoErr);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
