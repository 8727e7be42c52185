package io.tfssl.augment;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;

/**
 * RGB to one gray channel with the ITU-R BT.601 weights (as libjpeg and PIL compute it), in the
 * graph. Every path that feeds color images to a gray model uses it (the export's encoded-image
 * signature, {@code eval transfer} and {@code embed} through the embedding model's adapter), so a
 * file gives the same gray pixels whichever way it enters. (Random grayscale augmentation keeps its
 * own weights: changing them would change every augmented view.)
 */
public final class Luma {
  /** R, G, B weights; they sum to 1, so R = G = B = v gives v back. */
  public static final float[] BT601 = {0.299f, 0.587f, 0.114f};

  private Luma() {}

  /** {@code [..., 3]} float RGB to {@code [..., 1]} gray, same value range. */
  public static Operand<TFloat32> of(Ops tf, Operand<TFloat32> rgb) {
    return tf.sum(tf.math.mul(rgb, tf.constant(BT601)), tf.constant(-1), Sum.keepDims(true));
  }
}
