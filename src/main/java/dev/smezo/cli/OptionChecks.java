package dev.smezo.cli;

/** Range checks of numeric options, failing with the option's name (bad input, exit 3). */
final class OptionChecks {
    private OptionChecks() {}

    static void atLeast(String option, long value, long min) {
        if (value < min) throw new IllegalArgumentException(option + " must be >= " + min + ": " + value);
    }
}
