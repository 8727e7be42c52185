package io.tfssl.augment;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Batch-wise random resized crop with a different box per sample, in one {@code CropAndResize}.
 *
 * <p>Why: it is the main augmentation of every SSL recipe (BYOL Sec. 3.3 / Appendix B; SimCLR Sec.
 * 3 shows crop + colour is the key pair). Per image: area fraction {@code s ~ U[smin, smax]},
 * log-aspect {@code log r ~ U[log rmin, log rmax]}, then box width {@code w = min(1, sqrt(s r))}
 * and height {@code h = min(1, sqrt(s / r))} in normalised units, with a uniform offset so the box
 * lies inside the image. The crop is bilinearly resized to {@code [outH, outW]}.
 *
 * <p><b>Difference to torchvision:</b> {@code RandomResizedCrop} there draws up to 10 candidates
 * and rejects those that do not fit, falling back to a centre crop. A static graph cannot loop
 * cheaply per sample, so here an over-large side is <i>clipped</i> to the image instead. This
 * slightly lowers the effective area / aspect for extreme draws (only when {@code s * r > 1} or
 * {@code s / r > 1}), which is harmless for SSL.
 *
 * <p>Aspect ratio is measured in normalised units (relative to the image's own aspect), which is
 * the same as torchvision's pixel aspect for square images, and makes scale 1 / ratio 1 the full
 * image for any shape.
 *
 * <p>Resampling: {@code CropAndResize} samples {@code outH} points from {@code y1*(H-1)} to {@code
 * y2*(H-1)} inclusive (align-corners bilinear). With the full box and {@code out == in} this is an
 * exact copy.
 */
public final class RandomResizedCrop {
  private RandomResizedCrop() {}

  /**
   * Crops and resizes every image of {@code images} ([N,H,W,C], any numeric type, e.g. uint8).
   *
   * @return float32 {@code [N, outH, outW, C]} in the input's value units (0..255 for uint8)
   */
  public static Operand<TFloat32> apply(
      Ops tf,
      Operand<? extends TNumber> images,
      Operand<TInt64> seed,
      float scaleMin,
      float scaleMax,
      float ratioMin,
      float ratioMax,
      int outH,
      int outW) {
    PerSample.staticHwc(images);
    Operand<TInt32> n = PerSample.batchSize(tf, images);
    Operand<TFloat32> boxes =
        (scaleMin == 1f && ratioMin == 1f && ratioMax == 1f)
            ? fullBoxes(tf, n)
            : boxes(tf, seed, n, scaleMin, scaleMax, ratioMin, ratioMax);
    Operand<TInt32> boxInd = tf.range(tf.constant(0), n, tf.constant(1));
    return tf.image.cropAndResize(images, boxes, boxInd, tf.constant(new int[] {outH, outW}));
  }

  /** {@code [N, 4]} boxes {@code [y1, x1, y2, x2]} in normalised coordinates. */
  static Operand<TFloat32> boxes(
      Ops tf,
      Operand<TInt64> seed,
      Operand<TInt32> n,
      float scaleMin,
      float scaleMax,
      float ratioMin,
      float ratioMax) {
    Operand<TFloat32> u = PerSample.uniform(tf, seed, n, 4);
    Operand<TFloat32> s = PerSample.lerp(tf, PerSample.column(tf, u, 0), scaleMin, scaleMax);
    Operand<TFloat32> r =
        tf.math.exp(
            PerSample.lerp(
                tf,
                PerSample.column(tf, u, 1),
                (float) Math.log(ratioMin),
                (float) Math.log(ratioMax)));
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> w = tf.math.minimum(tf.math.sqrt(tf.math.mul(s, r)), one);
    Operand<TFloat32> h = tf.math.minimum(tf.math.sqrt(tf.math.div(s, r)), one);
    Operand<TFloat32> y1 = tf.math.mul(PerSample.column(tf, u, 2), tf.math.sub(one, h));
    Operand<TFloat32> x1 = tf.math.mul(PerSample.column(tf, u, 3), tf.math.sub(one, w));
    // min(., 1): a y2 of 1.0000001 from rounding would make CropAndResize extrapolate (zeros)
    Operand<TFloat32> y2 = tf.math.minimum(tf.math.add(y1, h), one);
    Operand<TFloat32> x2 = tf.math.minimum(tf.math.add(x1, w), one);
    return tf.stack(List.of(y1, x1, y2, x2), org.tensorflow.op.core.Stack.axis(1L));
  }

  private static Operand<TFloat32> fullBoxes(Ops tf, Operand<TInt32> n) {
    return tf.tile(
        tf.constant(new float[][] {{0f, 0f, 1f, 1f}}), tf.stack(List.of(n, tf.constant(1))));
  }
}
