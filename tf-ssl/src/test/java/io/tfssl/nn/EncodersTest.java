package io.tfssl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The encoders have the published shapes: parameter counts, output widths and FLOPs. */
class EncodersTest {

  private static long parameters(Encoder e, int size, int channels) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VarStore store = VarStore.trainable(tf, "online", 0);
      Operand<TFloat32> y =
          e.apply(
              Net.of(store, Mode.TRAIN).child("encoder"),
              tf.placeholder(
                  TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, channels))));
      assertEquals(
          java.util.Arrays.toString(new long[] {-1, e.outputDim()}),
          java.util.Arrays.toString(y.shape().asArray()));
      return store.params().stream().mapToLong(p -> p.variable().shape().size()).sum();
    }
  }

  /**
   * torchvision's ResNets without the final fc layer (total parameters minus fc): resnet18
   * 11,689,512 − 513,000; resnet34 21,797,672 − 513,000; resnet50 25,557,032 − 2,049,000.
   */
  @ParameterizedTest
  @CsvSource({"resnet18, 11176512", "resnet34, 21284672", "resnet50, 23508032"})
  void resNetsHaveTorchvisionParameterCounts(String name, long expected) {
    assertEquals(expected, parameters(Encoders.create(name, ResNet.Stem.IMAGENET, false), 224, 3));
  }

  @Test
  void cifarStemReplacesTheSevenBySevenConv() {
    // 3×3×3×64 instead of 7×7×3×64 weights.
    long imagenet = parameters(ResNet.resnet18(ResNet.Stem.IMAGENET, false), 32, 3);
    long cifar = parameters(ResNet.resnet18(ResNet.Stem.CIFAR, false), 32, 3);
    assertEquals((7 * 7 - 3 * 3) * 3 * 64, imagenet - cifar);
  }

  /** torchvision reports 1.81 GMACs for resnet18 and 4.09 for resnet50 at 224×224 (fc included). */
  @ParameterizedTest
  @CsvSource({"resnet18, 1.814e9", "resnet50, 4.089e9"})
  void forwardFlopsMatchPublishedMacs(String name, double macs) {
    long flops = Encoders.create(name, ResNet.Stem.IMAGENET, false).forwardFlops(224, 224, 3);
    double fcMacs = name.equals("resnet50") ? 2048 * 1000 : 512 * 1000;
    assertEquals(2 * (macs - fcMacs), flops, 0.01 * flops);
  }

  @Test
  void smallEncoderIsTheSpecifiedConvNet() {
    Encoder small = Encoders.create("small", null, false);
    assertEquals(256, small.outputDim());
    // conv weights 3·3·(1·32 + 32·64 + 64·128 + 128·256) + BN (32+64+128+256)·2
    long expected = 9L * (32 + 32 * 64 + 64 * 128 + 128 * 256) + 2L * (32 + 64 + 128 + 256);
    assertEquals(expected, parameters(small, 28, 1));
    // 28×28 → 28 → 14 → 7 → 4: 2·9·(28²·32 + 14²·32·64 + 7²·64·128 + 4²·128·256)
    long flops = 2L * 9 * (28 * 28 * 32 + 14 * 14 * 32 * 64 + 7 * 7 * 64 * 128 + 4 * 4 * 128 * 256);
    assertEquals(flops, small.forwardFlops(28, 28, 1));
  }

  @Test
  void zeroInitResidualMakesEachBlockStartAsIdentityBranch() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VarStore store = VarStore.trainable(tf, "online", 0);
      ResNet.resnet18(ResNet.Stem.CIFAR, true)
          .apply(
              Net.of(store, Mode.TRAIN).child("encoder"),
              tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 32, 32, 3))));
      try (Session s = new Session(g)) {
        s.initialize();
        long zeroed = 0;
        for (Param p : store.params()) {
          if (p.kind() == ParamKind.BN_SCALE && p.name().endsWith("bn2/gamma")) {
            for (float v : TestGraphs.fetch(s, p.variable())) {
              assertEquals(0f, v);
            }
            zeroed++;
          }
        }
        assertEquals(8, zeroed, "one zero-initialized BN per basic block");
        assertTrue(store.params().stream().anyMatch(p -> p.name().endsWith("bn1/gamma")));
      }
    }
  }

  @Test
  void inferenceModeUsesMovingStatistics() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VarStore store = VarStore.trainable(tf, "online", 0);
      Placeholder<TFloat32> x =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      new SmallConvNet().apply(Net.of(store, Mode.INFERENCE).child("encoder"), x);
      assertTrue(store.statisticsUpdates().isEmpty(), "inference mode must not update statistics");
      assertTrue(store.variables().keySet().stream().anyMatch(k -> k.endsWith("moving_mean")));
    }
  }
}
