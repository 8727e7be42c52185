package io.tfssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** std·√d of l2-normalized outputs: 0 when collapsed, about 1 for spread-out outputs. */
class CollapseMonitorTest {

  private static double monitor(float[][] z) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> value = CollapseMonitor.stdTimesSqrtDim(tf, tf.constant(z));
      return TestGraphs.fetch(s, value)[0];
    }
  }

  @Test
  void identicalOutputsReadZero() {
    float[][] z = new float[64][32];
    Random r = new Random(1);
    float[] v = new float[32];
    for (int j = 0; j < 32; j++) {
      v[j] = (float) r.nextGaussian();
    }
    for (float[] row : z) {
      float length = 1 + 3 * r.nextFloat(); // same direction, different lengths
      for (int j = 0; j < 32; j++) {
        row[j] = v[j] * length;
      }
    }
    assertEquals(0.0, monitor(z), 1e-3);
  }

  @Test
  void isotropicGaussianOutputsReadAboutOne() {
    Random r = new Random(2);
    float[][] z = new float[2048][64];
    for (float[] row : z) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) r.nextGaussian();
      }
    }
    assertEquals(1.0, monitor(z), 0.03);
  }

  @Test
  void outputsOnOneAxisReadOneOverSqrtD() {
    int d = 64;
    float[][] z = new float[256][d];
    for (int i = 0; i < z.length; i++) {
      z[i][0] = i % 2 == 0 ? 1f : -1f;
    }
    assertEquals(1.0 / Math.sqrt(d), monitor(z), 1e-3);
  }

  @Test
  void thresholdSeparatesTheCases() {
    assertTrue(CollapseMonitor.collapsed(0.05));
    assertFalse(CollapseMonitor.collapsed(0.9));
  }
}
