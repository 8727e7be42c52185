package io.tfssl.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tfssl.TestGraphs;
import io.tfssl.nn.BatchNorm;
import io.tfssl.nn.CrossReplicaMoments;
import io.tfssl.nn.Mode;
import io.tfssl.nn.Net;
import io.tfssl.nn.VarStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Synchronized batch norm between two replicas equals batch norm on their joined batch: the output,
 * the gradients (through the all-reduced statistics and their custom gradient) and the moving
 * statistics. The replicas are two CPU devices of one session, so the collectives run in-process,
 * without servers.
 */
class CrossReplicaBatchNormTest {
  private static final int N = 6;
  private static final int C = 3;

  @Test
  void twoReplicasNormalizeLikeOneBatch() {
    float[] x = random(2 * N * 2 * 2 * C, 1);
    float[] w = random(2 * N * 2 * 2 * C, 2);
    Expected full = fullBatch(x, w);

    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Collectives> perDevice =
          List.of(new Collectives(2, 30, "auto"), new Collectives(2, 30, "auto"));
      // Both replicas live in this one graph, so the moments pick the collectives of the
      // device they are built on: each device numbers its collectives from 1, as a worker does.
      CrossReplicaMoments moments =
          new CrossReplicaMoments() {
            @Override
            public Operand<TFloat32> mean(Ops ops, Operand<TFloat32> local) {
              return perDevice
                  .get(ops.scope().getDeviceString().endsWith("CPU:1") ? 1 : 0)
                  .mean(ops, local);
            }

            @Override
            public int replicas() {
              return 2;
            }
          };
      List<Operand<TFloat32>> ys = new ArrayList<>();
      List<Output<?>> dxs = new ArrayList<>();
      List<Output<?>> dgammas = new ArrayList<>();
      List<Op> updates = new ArrayList<>();
      List<Operand<TFloat32>> movingMeans = new ArrayList<>();
      List<Operand<TFloat32>> movingVars = new ArrayList<>();
      for (int d = 0; d < 2; d++) {
        Ops td =
            tf.withDevice(
                DeviceSpec.newBuilder()
                    .deviceType(DeviceSpec.DeviceType.CPU)
                    .deviceIndex(d)
                    .build());
        float[] xd = slice(x, d);
        Operand<TFloat32> xIn = td.constant(Shape.of(N, 2, 2, C), DataBuffers.of(xd));
        VarStore store = VarStore.trainable(td, "replica" + d, 7).crossReplicaMoments(moments);
        Operand<TFloat32> y = BatchNorm.apply(Net.of(store, Mode.TRAIN).child("bn"), xIn, true);
        Operand<TFloat32> loss =
            td.reduceSum(
                td.math.mul(y, td.constant(Shape.of(N, 2, 2, C), DataBuffers.of(slice(w, d)))),
                td.constant(new int[] {0, 1, 2, 3}));
        Output<?>[] grads =
            g.addGradients(
                "grad" + d,
                new Output<?>[] {loss.asOutput()},
                new Output<?>[] {xIn.asOutput(), store.variables().get("bn/gamma").asOutput()},
                null);
        ys.add(y);
        dxs.add(grads[0]);
        dgammas.add(grads[1]);
        updates.addAll(store.statisticsUpdates());
        movingMeans.add(store.variables().get("bn/moving_mean"));
        movingVars.add(store.variables().get("bn/moving_variance"));
      }
      ConfigProto config = ConfigProto.newBuilder().putDeviceCount("CPU", 2).build();
      try (Session s = new Session(g, config)) {
        Session.Runner runner = s.runner();
        ys.forEach(runner::fetch);
        dxs.forEach(runner::fetch);
        dgammas.forEach(runner::fetch);
        updates.forEach(runner::addTarget);
        float[] y;
        float[] dx;
        float[] dgamma = new float[C];
        try (Result r = runner.run()) {
          y = concat(flat(r, 0), flat(r, 1));
          dx = concat(flat(r, 2), flat(r, 3));
          float[] g0 = flat(r, 4);
          float[] g1 = flat(r, 5);
          for (int c = 0; c < C; c++) {
            dgamma[c] = g0[c] + g1[c];
          }
        }
        assertClose(full.y, y, 1e-5, "normalized output");
        assertClose(full.dx, dx, 1e-4, "gradient w.r.t. the input");
        assertClose(full.dgamma, dgamma, 1e-4, "summed gradient w.r.t. gamma");
        for (int d = 0; d < 2; d++) {
          assertClose(
              full.movingMean,
              TestGraphs.fetch(s, movingMeans.get(d)),
              1e-6,
              "moving mean of replica " + d);
          assertClose(
              full.movingVariance,
              TestGraphs.fetch(s, movingVars.get(d)),
              1e-5,
              "moving variance of replica " + d);
        }
      }
    }
  }

  private record Expected(
      float[] y, float[] dx, float[] dgamma, float[] movingMean, float[] movingVariance) {}

  /** The fused kernel on the whole batch, in a graph without cross-replica moments. */
  private static Expected fullBatch(float[] x, float[] w) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> xIn = tf.constant(Shape.of(2 * N, 2, 2, C), DataBuffers.of(x));
      VarStore store = VarStore.trainable(tf, "full", 7);
      Operand<TFloat32> y = BatchNorm.apply(Net.of(store, Mode.TRAIN).child("bn"), xIn, true);
      Operand<TFloat32> loss =
          tf.reduceSum(
              tf.math.mul(y, tf.constant(Shape.of(2 * N, 2, 2, C), DataBuffers.of(w))),
              tf.constant(new int[] {0, 1, 2, 3}));
      Output<?>[] grads =
          g.addGradients(
              loss.asOutput(),
              new Output<?>[] {xIn.asOutput(), store.variables().get("bn/gamma").asOutput()});
      try (Session s = new Session(g)) {
        Session.Runner runner = s.runner().fetch(y).fetch(grads[0]).fetch(grads[1]);
        store.statisticsUpdates().forEach(runner::addTarget);
        float[][] out = new float[3][];
        try (Result r = runner.run()) {
          for (int i = 0; i < 3; i++) {
            out[i] = flat(r, i);
          }
        }
        return new Expected(
            out[0],
            out[1],
            out[2],
            TestGraphs.fetch(s, store.variables().get("bn/moving_mean")),
            TestGraphs.fetch(s, store.variables().get("bn/moving_variance")));
      }
    }
  }

  private static float[] flat(Result r, int i) {
    return TestGraphs.flat((TFloat32) r.get(i));
  }

  private static float[] random(int n, long seed) {
    Random random = new Random(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (3 + 2 * random.nextGaussian());
    }
    return out;
  }

  private static float[] slice(float[] all, int half) {
    float[] out = new float[all.length / 2];
    System.arraycopy(all, half * out.length, out, 0, out.length);
    return out;
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = new float[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = 0;
    for (float e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs(expected[i] - actual[i]);
      if (diff > tolerance * Math.max(1, scale)) {
        throw new AssertionError(
            what
                + " differs at "
                + i
                + ": expected "
                + expected[i]
                + ", got "
                + actual[i]
                + " (tolerance "
                + tolerance
                + " x "
                + Math.max(1, scale)
                + ")");
      }
    }
  }
}
