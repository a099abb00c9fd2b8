package dev.smezo.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A llama-architecture shape: a row of models/llama-shapes.tsv, optionally with fewer layers. */
public record ModelShape(String name, int nVocab, int nEmbd, int nLayer, int nHead, int nHeadKv, int nFf,
                         int nCtx, float rmsEps, float ropeBase) {

    /** Every shape in models/llama-shapes.tsv, in file order. */
    public static List<ModelShape> known() {
        try (InputStream in = ModelShape.class.getResourceAsStream("llama-shapes.tsv")) {
            if (in == null) throw new IllegalStateException("llama-shapes.tsv missing from the jar");
            List<ModelShape> out = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\t");
                out.add(new ModelShape(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]), Integer.parseInt(f[7]),
                        Float.parseFloat(f[8]), Float.parseFloat(f[9])));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ModelShape named(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return known().stream().filter(s -> s.name.equals(n)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown shape '" + name + "'; known: "
                        + known().stream().map(ModelShape::name).toList()));
    }

    public ModelShape withLayers(int layers) {
        if (layers < 1) throw new IllegalArgumentException("layers must be >= 1");
        return new ModelShape(name, nVocab, nEmbd, layers, nHead, nHeadKv, nFf, nCtx, rmsEps, ropeBase);
    }

    public ModelShape withVocab(int vocab) {
        return new ModelShape(name, vocab, nEmbd, nLayer, nHead, nHeadKv, nFf, nCtx, rmsEps, ropeBase);
    }

    public int headDim() {
        return nEmbd / nHead;
    }

    /** Parameters of a model of this shape (untied output unless {@code tied}). */
    public long parameters(boolean tied) {
        long e = nEmbd, kv = (long) nHeadKv * headDim();
        long perLayer = 2 * e + e * e * 2 + 2 * e * kv + 3 * e * nFf;
        return (tied ? 1 : 2) * e * nVocab + e + perLayer * nLayer;
    }
}
