package dev.smezo.model;

/** A model file that smezo cannot use: the message names the file and the key or tensor at fault. */
public final class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }
}
