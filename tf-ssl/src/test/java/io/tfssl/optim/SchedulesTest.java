package io.tfssl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.BiFunction;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

class SchedulesTest {

  /** Evaluates the graph schedule at each step and compares it with the Java formula. */
  private static void assertGraphMatchesJava(
      BiFunction<Ops, Operand<TInt64>, Operand<TFloat32>> graph,
      LongToDoubleFunction java,
      long... steps) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TInt64> step = tf.placeholder(TInt64.class);
      Operand<TFloat32> value = graph.apply(tf, step);
      for (long k : steps) {
        float graphValue;
        try (TInt64 kt = TInt64.scalarOf(k);
            Result r = s.runner().feed(step, kt).fetch(value).run()) {
          graphValue = ((TFloat32) r.get(0)).getFloat();
        }
        float javaValue = (float) java.applyAsDouble(k);
        assertEquals(javaValue, graphValue, 1e-6 * Math.abs(javaValue), "step " + k);
      }
    }
  }

  /** 0, 1, W-1, W, W+1, mid, T-2, T-1, T, beyond T. */
  private static long[] interestingSteps(long warmup, long total) {
    return new long[] {
      0,
      1,
      Math.max(0, warmup - 1),
      warmup,
      warmup + 1,
      (warmup + total) / 2,
      total - 2,
      total - 1,
      total,
      total + 1,
      total + 1000
    };
  }

  @Test
  void warmupCosineGraphEqualsJava() {
    WarmupCosine lr = new WarmupCosine(0.4, 10, 1000);
    assertGraphMatchesJava(lr::at, lr::valueAt, interestingSteps(10, 1000));
  }

  @Test
  void warmupCosineWithFinalLrAndLargeStepsGraphEqualsJava() {
    WarmupCosine lr = new WarmupCosine(3.2, 12_510, 500_400, 1e-3);
    assertGraphMatchesJava(lr::at, lr::valueAt, interestingSteps(12_510, 500_400));
  }

  @Test
  void noWarmupGraphEqualsJava() {
    WarmupCosine lr = new WarmupCosine(0.1, 0, 800);
    assertGraphMatchesJava(lr::at, lr::valueAt, interestingSteps(0, 800));
  }

  @Test
  void warmupCosineFormula() {
    WarmupCosine lr = new WarmupCosine(1.0, 10, 110);
    assertEquals(0.0, lr.valueAt(0));
    assertEquals(0.1, lr.valueAt(1), 1e-15);
    assertEquals(0.9, lr.valueAt(9), 1e-15);
    assertEquals(1.0, lr.valueAt(10), 1e-15);
    assertEquals(0.5, lr.valueAt(60), 1e-15);
    assertEquals(0.0, lr.valueAt(110), 1e-15);
    assertEquals(0.0, lr.valueAt(5000), 1e-15);
    WarmupCosine floor = new WarmupCosine(1.0, 0, 100, 0.1);
    assertEquals(1.0, floor.valueAt(0), 1e-15);
    assertEquals(0.55, floor.valueAt(50), 1e-15);
    assertEquals(0.1, floor.valueAt(100), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(1.0, 10, 10));
  }

  @Test
  void constantLr() {
    ConstantLr lr = new ConstantLr(0.05);
    assertGraphMatchesJava(lr::at, lr::valueAt, 0, 7, 1_000_000);
  }

  @Test
  void scaledLrIsLinearScalingRule() {
    assertEquals(0.1, LearningRateSchedule.scaledLr(0.05, 512), 1e-15);
    assertEquals(3.2, LearningRateSchedule.scaledLr(0.2, 4096), 1e-12);
  }

  @Test
  void cosineTauGraphEqualsJava() {
    TauSchedule byol = TauSchedule.cosine(0.996, 1000);
    assertGraphMatchesJava(byol::at, byol::valueAt, interestingSteps(0, 1000));
    TauSchedule odd = TauSchedule.cosine(0.99, 37);
    assertGraphMatchesJava(odd::at, odd::valueAt, interestingSteps(0, 37));
  }

  @Test
  void cosineTauFormula() {
    TauSchedule t = TauSchedule.cosine(0.996, 100);
    assertEquals(0.996, t.valueAt(0), 1e-15);
    assertEquals(0.998, t.valueAt(50), 1e-15);
    assertEquals(1.0, t.valueAt(100));
    assertEquals(1.0, t.valueAt(1000));
  }

  @Test
  void tauOneIsExactlyOne() {
    TauSchedule t = TauSchedule.cosine(1.0, 100);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TInt64> step = tf.placeholder(TInt64.class);
      Operand<TFloat32> value = t.at(tf, step);
      for (long k : new long[] {0, 1, 33, 50, 99, 100, 101, 1_000_000}) {
        assertEquals(1.0, t.valueAt(k), "java step " + k);
        try (TInt64 kt = TInt64.scalarOf(k);
            Result r = s.runner().feed(step, kt).fetch(value).run()) {
          assertEquals(1.0f, ((TFloat32) r.get(0)).getFloat(), "graph step " + k);
        }
      }
    }
  }

  @Test
  void constantTau() {
    TauSchedule t = TauSchedule.constant(0.99);
    assertGraphMatchesJava(t::at, t::valueAt, 0, 5, 100_000);
  }
}
