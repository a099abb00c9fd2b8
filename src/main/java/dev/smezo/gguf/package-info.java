/**
 * GGUF, ggml's model file format, read and written in plain Java.
 *
 * <ul>
 *   <li>{@link dev.smezo.gguf.Gguf} parses a file mapped into memory: metadata are copied out (and
 *       outlive the mapping), tensor data are slices of the mapping (and do not).
 *       {@link dev.smezo.gguf.Gguf#openPrivate} maps copy-on-write, for editing weights in memory
 *       without touching the file.</li>
 *   <li>{@link dev.smezo.gguf.GgufWriter} writes a file atomically (temporary file, fsync, rename)
 *       through a memory mapping, byte for byte as ggml's gguf.cpp writes the same content: a model
 *       written by ggml and rewritten here is identical, and ggml rewrites files from here
 *       identically (both checked by the tests, the second against libggml itself).</li>
 *   <li>Malformed or hostile input is a {@link dev.smezo.gguf.GgufException} naming the file, the
 *       offset and the problem; every count is checked against the bytes present before anything
 *       is allocated for it.</li>
 * </ul>
 *
 * <p>Reading follows gguf.cpp (llama.cpp de3ff81) except where noted in {@code GgufParser}: nested
 * arrays are accepted (ggml refuses them), n_dims 0 and invalid UTF-8 are refused (ggml accepts
 * them), and tensor data need only be aligned, in the file and not overlapping (ggml requires its
 * own packed order). Shapes are in ggml order: {@code ne[0]} is the contiguous row length.
 */
package dev.smezo.gguf;
