package dev.smezo.perturb;

/**
 * How the step of a quantized tensor's scale v is sized (native/src/smezo.h): RELATIVE moves v by
 * c * gain * |v| * z, so a Q8_0 scale (about absmax/127) and a Q4_K one (absmax/15 per sub-block
 * scale unit) change by the same fraction; ABSOLUTE by c * gain * z, as QZO does on GPTQ scales.
 */
public enum ScaleMode {
    ABSOLUTE(0),
    RELATIVE(1);

    private final int code;

    ScaleMode(int code) {
        this.code = code;
    }

    /** smezo_tensor_cfg.scale_mode. */
    public int code() {
        return code;
    }
}
