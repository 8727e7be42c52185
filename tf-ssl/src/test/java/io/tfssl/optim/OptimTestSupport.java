package io.tfssl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tfssl.nn.Param;
import io.tfssl.nn.ParamKind;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Small helpers shared by the optimizer tests. */
final class OptimTestSupport {
  private OptimTestSupport() {}

  /** A parameter variable named {@code name} initialised to {@code init} (row-major). */
  static Param param(Ops tf, String name, ParamKind kind, float[] init, long... shape) {
    Ops i = tf.withInitScope();
    Operand<TFloat32> value = i.reshape(i.constant(init), i.constant(shape));
    return new Param(name, tf.withName(name).variable(value), kind);
  }

  static Operand<TFloat32> constant(Ops tf, float[] values, long... shape) {
    return tf.reshape(tf.constant(values), tf.constant(shape));
  }

  /** Fetches a float32 operand as a flat row-major array. */
  static float[] fetch(Session s, Operand<TFloat32> x) {
    try (Result r = s.runner().fetch(x).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] out = new float[(int) t.shape().size()];
      long[] idx = new long[t.shape().numDimensions()];
      for (int k = 0; k < out.length; k++) {
        long rem = k;
        for (int d = idx.length - 1; d >= 0; d--) {
          long n = t.shape().get(d);
          idx[d] = rem % n;
          rem /= n;
        }
        out[k] = t.getFloat(idx);
      }
      return out;
    }
  }

  static float fetchScalar(Session s, Operand<TFloat32> x) {
    return fetch(s, x)[0];
  }

  static void run(Session s, org.tensorflow.op.Op target) {
    try (Result r = s.runner().addTarget(target).run()) {
      // nothing to fetch
    }
  }

  /** Asserts float32 results equal the double reference to {@code rel} relative precision. */
  static void assertClose(double[] expected, float[] actual, double rel, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      double tol = rel * Math.max(1e-3, Math.abs(expected[i]));
      assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
    }
  }

  static double[] toDouble(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  static double norm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return Math.sqrt(s);
  }
}
