package io.tfssl.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * How a variable gets its first value. Every random initializer is a stateless op keyed by a
 * per-variable seed, so the same run seed reproduces the same network.
 */
@FunctionalInterface
public interface Initializer {
  Operand<TFloat32> create(Ops tf, long[] shape, long seed);

  static Initializer constant(float value) {
    return (tf, shape, seed) -> tf.fill(tf.constant(shape), tf.constant(value));
  }

  /**
   * He et al. (2015) normal initialization with fan-out, as torchvision's ResNet does for convs
   * ({@code kaiming_normal_(mode="fan_out", nonlinearity="relu")}). Shape is [kh, kw, in, out].
   */
  static Initializer heNormalFanOut() {
    return (tf, shape, seed) -> {
      long fanOut = shape[shape.length - 1];
      for (int i = 0; i < shape.length - 2; i++) {
        fanOut *= shape[i];
      }
      return scaledNormal(tf, shape, seed, (float) Math.sqrt(2.0 / fanOut));
    };
  }

  /**
   * PyTorch's default for {@code nn.Linear} (used by the SimSiam and BYOL reference code): uniform
   * in ±1/√fan_in. Shape is [in, out] for a weight; for a bias pass the layer's fan-in.
   */
  static Initializer uniformFanIn(long fanIn) {
    return (tf, shape, seed) -> {
      float bound = (float) (1.0 / Math.sqrt(fanIn));
      Operand<TFloat32> u =
          tf.random.statelessRandomUniform(tf.constant(shape), seedOf(tf, seed), TFloat32.class);
      return tf.math.mul(
          tf.math.sub(tf.math.mul(u, tf.constant(2f)), tf.constant(1f)), tf.constant(bound));
    };
  }

  private static Operand<TFloat32> scaledNormal(Ops tf, long[] shape, long seed, float std) {
    Operand<TFloat32> n =
        tf.random.statelessTruncatedNormal(tf.constant(shape), seedOf(tf, seed), TFloat32.class);
    // A truncated normal at ±2σ has std 0.8796σ; correct for it as Keras' VarianceScaling does.
    return tf.math.mul(n, tf.constant(std / 0.87962566f));
  }

  private static Operand<TInt64> seedOf(Ops tf, long seed) {
    return tf.constant(new long[] {seed >>> 32, seed & 0xffffffffL});
  }
}
