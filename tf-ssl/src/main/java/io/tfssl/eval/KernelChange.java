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
    return start(init, start).to(end);
  }

  /**
   * The kernels as fine-tuning begins. Keeps the start values and only the squared norms of the
   * initialization, so that fine-tuning holds one copy of the kernels besides the graph's, not two.
   *
   * @param init a fresh random initialization
   * @param start the values fine-tuning begins from (the pretrained ones, or {@code init}); kept,
   *     not copied: the caller hands over arrays it no longer changes
   */
  public static Start start(Map<String, float[]> init, Map<String, float[]> start) {
    if (!init.keySet().equals(start.keySet())) {
      throw new IllegalArgumentException("the snapshots must hold the same kernels");
    }
    if (init.isEmpty()) {
      throw new IllegalArgumentException("no kernels");
    }
    Map<String, Double> initSq = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : init.entrySet()) {
      if (e.getValue().length != start.get(e.getKey()).length) {
        throw new IllegalArgumentException(e.getKey() + ": snapshots of different sizes");
      }
      initSq.put(e.getKey(), dot(e.getValue(), e.getValue()));
    }
    return new Start(initSq, new LinkedHashMap<>(start));
  }

  /** The kernels when fine-tuning began: their scale is known, their turn once {@link #to} runs. */
  public static final class Start {
    private final Map<String, Double> initSq;
    private final Map<String, float[]> start;
    private final Map<String, Double> startSq = new LinkedHashMap<>();
    private final double scale;

    private Start(Map<String, Double> initSq, Map<String, float[]> start) {
      this.initSq = initSq;
      this.start = start;
      double init = 0;
      double now = 0;
      for (Map.Entry<String, float[]> e : start.entrySet()) {
        startSq.put(e.getKey(), dot(e.getValue(), e.getValue()));
        init += initSq.get(e.getKey());
        now += startSq.get(e.getKey());
      }
      this.scale = Math.sqrt(now / init);
    }

    /** Norm of all kernels now over the norm of the fresh initialization. */
    public double scale() {
      return scale;
    }

    /** The change from these kernels to {@code end}, the values after fine-tuning. */
    public KernelChange to(Map<String, float[]> end) {
      if (!start.keySet().equals(end.keySet())) {
        throw new IllegalArgumentException("the snapshots must hold the same kernels");
      }
      Map<String, Layer> layers = new LinkedHashMap<>();
      double startTotal = 0;
      double endTotal = 0;
      double dotTotal = 0;
      for (String k : start.keySet()) {
        float[] s = start.get(k);
        float[] e = end.get(k);
        if (s.length != e.length) {
          throw new IllegalArgumentException(k + ": snapshots of different sizes");
        }
        double s2 = startSq.get(k);
        double e2 = dot(e, e);
        double se = dot(s, e);
        layers.put(k, new Layer(Math.sqrt(s2 / initSq.get(k)), angle(se, s2, e2)));
        startTotal += s2;
        endTotal += e2;
        dotTotal += se;
      }
      return new KernelChange(scale, angle(dotTotal, startTotal, endTotal), layers);
    }
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int j = 0; j < a.length; j++) {
      sum += (double) a[j] * b[j];
    }
    return sum;
  }

  private static double angle(double dot, double aSq, double bSq) {
    double cos = dot / Math.sqrt(aSq * bSq);
    // Rounding can push the cosine of two nearly parallel vectors a hair past 1.
    return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
  }
}
