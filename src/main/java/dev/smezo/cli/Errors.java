package dev.smezo.cli;

import dev.smezo.gguf.GgufException;
import dev.smezo.model.ModelException;
import dev.smezo.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Maps exceptions to exit codes and one clear line on stderr. Input problems (a file that does not
 * parse, a model smezo cannot run, a bad argument value) are exit 3 with the message, which names
 * the file and place; anything else is an internal error (exit 1) with its stack trace.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        var err = cl.getErr();
        if (t instanceof CliException c) {
            err.println("smezo: " + c.getMessage());
            return c.exitCode();
        }
        if (t instanceof Trainer.DivergedException d) {
            err.println("smezo: training diverged: " + d.getMessage());
            return Main.EXIT_DIVERGED;
        }
        if (isBadInput(t)) {
            err.println("smezo: error: " + describe(t));
            return Main.EXIT_BAD_INPUT;
        }
        err.println("smezo: internal error: " + t);
        t.printStackTrace(err);
        return Main.EXIT_INTERNAL;
    }

    static boolean isBadInput(Throwable t) {
        return t instanceof GgufException || t instanceof ModelException || t instanceof NoSuchFileException
                || t instanceof IllegalArgumentException || t instanceof IOException
                || t.getClass().getSimpleName().equals("TaskDataException")
                || t.getClass().getSimpleName().equals("JsonException");
    }

    private static String describe(Throwable t) {
        if (t instanceof NoSuchFileException n) return n.getFile() + ": no such file";
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
