package io.tfssl.augment;

import io.tfssl.data.Normalization;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * The deterministic input transform of evaluation and serving: no augmentation, the whole image
 * resized to the model's input size (only when it differs), scaled to [0, 1] and normalized exactly
 * as the training views were. Linear evaluation on frozen features uses the unaugmented image in
 * the papers too (SimSiam App. D, BYOL App. C.1, where "center crop" is our whole image: 28- and
 * 32-pixel datasets are not cropped).
 */
public final class EvalTransform {
  private EvalTransform() {}

  /**
   * @param images {@code [N, H, W, C]} uint8 with static H, W, C
   * @return float32 {@code [N, outH, outW, C]}, normalized
   */
  public static Operand<TFloat32> apply(
      Ops tf, Operand<TUint8> images, int outH, int outW, Normalization norm) {
    long[] hwc = PerSample.staticHwc(images);
    if (!norm.fits(hwc[2])) {
      throw new IllegalArgumentException(
          "normalisation has " + norm.channels() + " channels, images have " + hwc[2]);
    }
    Operand<TFloat32> x = tf.dtypes.cast(images, TFloat32.class);
    if (hwc[0] != outH || hwc[1] != outW) {
      x = tf.image.resizeBilinear(x, tf.constant(new int[] {outH, outW}));
    }
    x = tf.math.div(x, tf.constant(255f));
    return norm.apply(tf, x);
  }
}
