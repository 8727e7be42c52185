package io.tfssl.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far fine-tuning moved the encoder's kernels (convolutions and dense matrices), and how large
 * they were when it began compared with a fresh random initialization.
 *
 * <p>Why both: every kernel of the encoder feeds a batch norm, so its output does not depend on the
 * kernel's norm, and the gradient shrinks as 1/|w|. An SGD step of learning rate lr then turns the
 * kernel by an angle of about lr·|g|/|w|, which falls as 1/|w|² (van Laarhoven 2017, "L2
 * regularization versus batch and weight normalization", §3; Hoffer et al. 2018, "Norm matters",
 * §2). A pretrained encoder whose kernels grew to k times their initial norm is, at the same lr,
 * fine-tuned about k² times more slowly than the same encoder from scratch. {@link #scale()} gives
 * k and {@link #turnDegrees()} the angle the kernels actually turned.
 *
 * @param scale norm of all kernels at the start of fine-tuning (concatenated) over the norm of a
 *     fresh random initialization of the same encoder; 1 for the random-init baseline
 * @param turnDegrees angle between all kernels (concatenated) at the start and at the end of
 *     fine-tuning, in degrees
 * @param layers the same two numbers per kernel, by variable path
 */
public record KernelChange(double scale, double turnDegrees, Map<String, Layer> layers) {

  /**
   * @param scale the kernel's norm at the start over its norm at a fresh initialization
   * @param turnDegrees the angle the kernel turned during fine-tuning
   */
  public record Layer(double scale, double turnDegrees) {}

  /**
   * A scale above which fine-tuning at the lr that suits a fresh initialization moves the kernels
   * at least 4x more slowly (1/scale²), enough to say so to the user.
   */
  public static final double LARGE_SCALE = 2;

  public KernelChange {
    layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
  }

  /**
   * From three snapshots of the same kernels.
   *
   * @param init a fresh random initialization
   * @param start the values fine-tuning began from (the pretrained ones, or {@code init})
   * @param end the values after fine-tuning
   */
  public static KernelChange of(
      Map<String, float[]> init, Map<String, float[]> start, Map<String, float[]> end) {
    if (!init.keySet().equals(start.keySet()) || !init.keySet().equals(end.keySet())) {
      throw new IllegalArgumentException("the three snapshots must hold the same kernels");
    }
    if (init.isEmpty()) {
      throw new IllegalArgumentException("no kernels");
    }
    Map<String, Layer> layers = new LinkedHashMap<>();
    double initSq = 0;
    double startSq = 0;
    double endSq = 0;
    double dot = 0;
    for (String k : init.keySet()) {
      float[] i = init.get(k);
      float[] s = start.get(k);
      float[] e = end.get(k);
      if (i.length != s.length || i.length != e.length) {
        throw new IllegalArgumentException(k + ": snapshots of different sizes");
      }
      double[] sums = sums(i, s, e);
      layers.put(k, new Layer(Math.sqrt(sums[1] / sums[0]), angle(sums[3], sums[1], sums[2])));
      initSq += sums[0];
      startSq += sums[1];
      endSq += sums[2];
      dot += sums[3];
    }
    return new KernelChange(Math.sqrt(startSq / initSq), angle(dot, startSq, endSq), layers);
  }

  /** {|init|², |start|², |end|², start·end}. */
  private static double[] sums(float[] init, float[] start, float[] end) {
    double[] out = new double[4];
    for (int j = 0; j < init.length; j++) {
      out[0] += (double) init[j] * init[j];
      out[1] += (double) start[j] * start[j];
      out[2] += (double) end[j] * end[j];
      out[3] += (double) start[j] * end[j];
    }
    return out;
  }

  private static double angle(double dot, double aSq, double bSq) {
    double cos = dot / Math.sqrt(aSq * bSq);
    // Rounding can push the cosine of two nearly parallel vectors a hair past 1.
    return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
  }
}
