package io.tfssl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The timed product is the matrix product (checked against a triple loop) and its FLOP count. */
class MeasuredPeakTest {
  @Test
  void theTimedGraphComputesTheMatrixProduct() {
    int n = 37;
    float[] a = MeasuredPeak.randomMatrix(n, 1);
    float[] b = MeasuredPeak.randomMatrix(n, 2);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      try (Result r = s.runner().fetch(MeasuredPeak.gemm(tf, a, b, n)).run()) {
        TFloat32 c = (TFloat32) r.get(0);
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            double expected = 0;
            for (int k = 0; k < n; k++) {
              expected += (double) a[i * n + k] * b[k * n + j];
            }
            assertEquals(expected, c.getFloat(i, j), 1e-4, "c[" + i + "][" + j + "]");
          }
        }
      }
    }
  }

  /** Constants would be folded into one by Grappler, and the timed runs would compute nothing. */
  @Test
  void theProductReadsVariablesNotConstants() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      org.tensorflow.Operand<TFloat32> c =
          MeasuredPeak.gemm(
              tf, MeasuredPeak.randomMatrix(4, 1), MeasuredPeak.randomMatrix(4, 2), 4);
      org.tensorflow.GraphOperation matMul = (org.tensorflow.GraphOperation) c.op();
      assertEquals("MatMul", matMul.type());
      for (int i = 0; i < matMul.numInputs(); i++) {
        assertEquals("VariableV2", matMul.input(i).op().type(), "input " + i);
      }
    }
  }

  @Test
  void gflopsCountTwoNCubedPerProductAtTheMedianTime() {
    MeasuredPeak p = new MeasuredPeak(1000, 5, 0.5, 0.25);
    assertEquals(2e9, p.flopsPerProduct(), 1e-3);
    assertEquals(4.0, p.gflops(), 1e-12);
    assertEquals(8.0, p.bestGflops(), 1e-12);
  }

  @Test
  void aMeasurementHasItsRunsAndTheBestIsNoSlowerThanTheMedian() {
    MeasuredPeak p = MeasuredPeak.measure(64, 1, 4);
    assertEquals(64, p.n());
    assertEquals(4, p.runs());
    assertTrue(p.bestSeconds() > 0 && p.bestSeconds() <= p.medianSeconds(), p.toString());
    assertThrows(IllegalArgumentException.class, () -> MeasuredPeak.measure(64, 0, 0));
  }
}
