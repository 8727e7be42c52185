package io.tfssl.augment;

import io.tfssl.data.Normalization;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * Builds one augmented view of a uint8 image batch inside the TF graph.
 *
 * <p>Why in-graph: the JVM only feeds raw bytes; every sample gets its own random parameters
 * (batch-wise ops, no per-sample graph building), and all randomness comes from stateless Philox
 * ops keyed by {@code seed}, so a run resumed at step k repeats exactly. The trainer passes {@code
 * seed = [globalSeed, step * numViews + viewIndex]} (int64 {@code [2]}); per-op streams are derived
 * from it by hashing ({@link SubSeeds}).
 *
 * <p>Pipeline (BYOL Appendix B order; deepmind-research {@code byol/utils/augmentations.py}): cast
 * to float → random resized crop → scale to [0,1] → horizontal flip → colour jitter (random order)
 * → grayscale → Gaussian blur → solarise → clip to [0,1] → normalise → {@code StopGradient}. Ops
 * whose probability is 0 are not put in the graph at all.
 *
 * <p>Cost: everything is batch-wise; per-sample choices use row-wise {@code Select} or {@code
 * DynamicPartition}/{@code DynamicStitch}, never per-sample graph branches. The graph is built
 * once; each step only feeds new bytes and a new seed.
 *
 * <p>The output is wrapped in {@code StopGradient}: TF Java's C++ gradient builder fails on random
 * ops in a gradient path (see docs/tensorflow-java.md §1, Trap B), and augmentation needs no
 * gradient.
 */
public final class Augmenter {
  private Augmenter() {}

  /**
   * @param images {@code [N,H,W,C]} uint8, N may be dynamic, H, W, C static (C = 1 or 3 for the
   *     colour ops; other C get only crop, flip, brightness, contrast, blur and solarise)
   * @param seed int64 {@code [2]} view seed
   * @param outH output height
   * @param outW output width
   * @param norm normalisation applied last (channel count 1 or C)
   * @return float32 {@code [N, outH, outW, C]}, normalised, with no gradient path to the input
   */
  public static Operand<TFloat32> view(
      Ops tf,
      Operand<TUint8> images,
      Operand<TInt64> seed,
      ViewPolicy p,
      int outH,
      int outW,
      Normalization norm) {
    long[] hwc = PerSample.staticHwc(images);
    if (outH <= 0 || outW <= 0) {
      throw new IllegalArgumentException("output size must be positive: " + outH + "x" + outW);
    }
    if (!norm.fits(hwc[2])) {
      throw new IllegalArgumentException(
          "normalisation has " + norm.channels() + " channels, images have " + hwc[2]);
    }
    SubSeeds seeds = new SubSeeds(tf, seed);
    // The batch is cast to float32 (0..255) before the crop: CropAndResize has GPU kernels for
    // float, half and double only, so on uint8 it would run on the host and copy both views
    // to the GPU every step (tfssl bench gpu-audit). Its CPU kernel converts each uint8 pixel
    // to float before interpolating, so the values are the same either way.
    Operand<TFloat32> pixels = tf.dtypes.cast(images, TFloat32.class);
    Operand<TFloat32> x =
        RandomResizedCrop.apply(
            tf,
            pixels,
            seeds.get(SubSeeds.CROP),
            p.cropScaleMin(),
            p.cropScaleMax(),
            p.cropRatioMin(),
            p.cropRatioMax(),
            outH,
            outW);
    x = tf.math.div(x, tf.constant(255f));
    x = RandomFlip.apply(tf, x, seeds.get(SubSeeds.FLIP), p.flipProb());
    x =
        ColorJitter.apply(
            tf,
            x,
            seeds.get(SubSeeds.JITTER),
            p.jitterProb(),
            p.brightness(),
            p.contrast(),
            p.saturation(),
            p.hue());
    x = RandomGrayscale.apply(tf, x, seeds.get(SubSeeds.GRAYSCALE), p.grayscaleProb());
    x =
        GaussianBlur.apply(
            tf,
            x,
            seeds.get(SubSeeds.BLUR),
            p.blurProb(),
            p.blurSigmaMin(),
            p.blurSigmaMax(),
            p.blurKernelFraction());
    x =
        Solarize.apply(
            tf, x, seeds.get(SubSeeds.SOLARIZE), p.solarizeProb(), p.solarizeThreshold());
    x = PerSample.clip01(tf, x);
    return tf.stopGradient(norm.apply(tf, x));
  }
}
