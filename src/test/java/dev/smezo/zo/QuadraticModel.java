package dev.smezo.zo;

import dev.smezo.perturb.Noise;
import dev.smezo.perturb.TensorPerturbation;

/**
 * L(w) = 1/2 (w - t)^T A (w - t) over a double[], with A diagonal or full, perturbed with the real
 * noise (Noise.z of tensor id cfg.tensorId) and mask (cfg.keeps on the weight as float).
 */
final class QuadraticModel implements ZoModel {
    final double[] w;
    final double[] target;
    final double[][] a;      // full A, or null
    final double[] diag;     // diagonal A when a == null
    final TensorPerturbation cfg;
    int updates;

    QuadraticModel(double[] w, double[] target, double[] diag, double[][] a, TensorPerturbation cfg) {
        this.w = w.clone();
        this.target = target;
        this.diag = diag;
        this.a = a;
        this.cfg = cfg;
    }

    double lossAt(double[] x) {
        int d = x.length;
        double s = 0;
        if (a == null) {
            for (int i = 0; i < d; i++) s += diag[i] * (x[i] - target[i]) * (x[i] - target[i]);
        } else {
            for (int i = 0; i < d; i++) {
                double row = 0;
                for (int k = 0; k < d; k++) row += a[i][k] * (x[k] - target[k]);
                s += (x[i] - target[i]) * row;
            }
        }
        return 0.5 * s;
    }

    double loss() {
        return lossAt(w);
    }

    /** m * grad L at the current w. */
    double[] maskedGradient() {
        int d = w.length;
        double[] g = new double[d];
        for (int i = 0; i < d; i++) {
            if (!cfg.keeps((float) w[i], i)) continue;
            if (a == null) {
                g[i] = diag[i] * (w[i] - target[i]);
            } else {
                for (int k = 0; k < d; k++) g[i] += a[i][k] * (w[k] - target[k]);
            }
        }
        return g;
    }

    float[] z(long seed) {
        float[] z = new float[w.length];
        Noise.fill(seed, cfg.tensorId(), 0, z);
        return z;
    }

    @Override
    public double loss(long seed, float scale) {
        float[] z = z(seed);
        double[] x = w.clone();
        for (int i = 0; i < x.length; i++) if (cfg.keeps((float) w[i], i)) x[i] += scale * z[i];
        return lossAt(x);
    }

    @Override
    public void update(long seed, float coeff, float decay) {
        float[] z = z(seed);
        updates++;
        for (int i = 0; i < w.length; i++) {
            boolean m = cfg.keeps((float) w[i], i);
            w[i] = w[i] - decay * w[i] + (m ? coeff * z[i] : 0);
        }
    }
}
