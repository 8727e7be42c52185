package io.tfssl.augment;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Per-sample horizontal flip (BYOL Appendix B: "random horizontal flip", p = 0.5).
 *
 * <p>Why: cheap invariance every SSL recipe uses. Implemented as one row-wise {@code Select}
 * between the batch and its mirror ({@code Reverse} on the W axis) with a {@code [N]} condition
 * ({@code SelectV2} with a {@code [N,1,1,1]} condition would broadcast correctly too, but was
 * measured about 10x slower on CPU than the v1 {@code Select} with a vector condition).
 */
public final class RandomFlip {
  private RandomFlip() {}

  /** Flips each image of {@code x} ([N,H,W,C]) left-right with probability {@code prob}. */
  public static Operand<TFloat32> apply(
      Ops tf, Operand<TFloat32> x, Operand<TInt64> seed, float prob) {
    if (prob <= 0f) {
      return x;
    }
    Operand<TFloat32> flipped = tf.reverse(x, tf.constant(new int[] {2}));
    if (prob >= 1f) {
      return flipped;
    }
    Operand<TFloat32> u =
        PerSample.column(tf, PerSample.uniform(tf, seed, PerSample.batchSize(tf, x), 1), 0);
    return PerSample.selectRows(tf, PerSample.coin(tf, u, prob), flipped, x);
  }
}
