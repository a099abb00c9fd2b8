package dev.smezo.task;

/** The two splits a task's data comes in; the sampled train/dev/test sets come from them ({@link Splits}). */
public enum Split {
    TRAIN,
    VALIDATION
}
