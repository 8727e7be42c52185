package io.tfssl.train;

import io.tfssl.method.Losses;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * SimSiam's collapse indicator (Chen and He 2021, §4.1 and Fig. 2): the standard deviation over the
 * batch of the l2-normalized output z/‖z‖, averaged over the d dimensions, times √d.
 *
 * <p>For a collapsed network every sample maps to the same vector and the value is 0; for outputs
 * spread like a zero-mean isotropic Gaussian it is close to 1 (the std of each coordinate of a unit
 * vector is 1/√d).
 */
public final class CollapseMonitor {
  /**
   * Below this value a run is reported as collapsed. A collapsed SimSiam run reads about 0 in the
   * paper's Fig. 2, a healthy one about 1; on Fashion-MNIST a run without stop-gradient and without
   * BN in the heads falls to about 0.1 within a hundred steps.
   */
  public static final double COLLAPSED_BELOW = 0.2;

  private CollapseMonitor() {}

  /**
   * Below this fraction of its largest possible value (min(batch, d)) the effective rank of the
   * encoder output y reads as dimensional collapse. Chosen from tf-ssl-bench/results/
   * collapse-rank.md (fmnist-small, batch 256, 300 steps, one seed each): SimSiam without
   * stop-gradient stays at 5.9-7.3% of 256 from step 100 to 250, while the lowest reading of a
   * healthy method is SwAV's 9.4% at step 50 (it recovers to 14%); 10% fired on that dip. 8% sits
   * in that gap, which is narrow: the warning is a hint to look at the run, not a verdict.
   */
  public static final double RANK_Y_COLLAPSED_BELOW = 0.08;

  /** Whether a monitor value says the representation has collapsed. */
  public static boolean collapsed(double stdTimesSqrtDim) {
    return stdTimesSqrtDim < COLLAPSED_BELOW;
  }

  /**
   * The monitors of one logged step, and the rule that reads them: collapsed when std·√d of z is
   * below {@link #COLLAPSED_BELOW} (complete collapse: every image maps to one point, which a head
   * without batch norm reaches), or when the RankMe of y is below {@link #RANK_Y_COLLAPSED_BELOW}
   * of min(batch, d) (dimensional collapse: the encoder uses only a few directions, which std·√d
   * cannot see behind the projector's output batch norm).
   *
   * <p>The rank rule reads y, not z: the projector's output narrows in healthy training too
   * (partial dimensional collapse, Li et al. 2022) and its width differs between methods, while the
   * encoder's rank separates SimSiam without stop-gradient from every healthy method in
   * tf-ssl-bench/results/collapse-rank.md (README, "Collapse monitors").
   *
   * @param rankBoundY min(batch, d of y); NaN ranks (not logged) never count as collapse
   */
  public record Reading(double stdTimesSqrtDim, double rankY, long rankBoundY) {
    public boolean collapsed() {
      return CollapseMonitor.collapsed(stdTimesSqrtDim) || dimensionallyCollapsed();
    }

    /** Whether y's effective rank is below the threshold (false when it was not measured). */
    public boolean dimensionallyCollapsed() {
      return rankY < RANK_Y_COLLAPSED_BELOW * rankBoundY;
    }

    /** What tripped the rule, for the warning. */
    public String why() {
      List<String> parts = new ArrayList<>();
      if (CollapseMonitor.collapsed(stdTimesSqrtDim)) {
        parts.add(
            String.format(
                "std*sqrt(d) of z = %.3f < %.1f (SimSiam, Fig. 2)",
                stdTimesSqrtDim, COLLAPSED_BELOW));
      }
      if (dimensionallyCollapsed()) {
        parts.add(
            String.format(
                "effective rank of y = %.1f < %.0f%% of %d (RankMe)",
                rankY, 100 * RANK_Y_COLLAPSED_BELOW, rankBoundY));
      }
      return parts.isEmpty() ? "no collapse" : String.join(" and ", parts);
    }
  }

  /** The scalar std·√d of {@code z} ([N, d]), built in the graph. */
  public static Operand<TFloat32> stdTimesSqrtDim(Ops tf, Operand<TFloat32> z) {
    long d = z.shape().get(1);
    Operand<TFloat32> u = Losses.l2Normalize(tf, z);
    Operand<TFloat32> mean = tf.math.mean(u, tf.constant(0));
    Operand<TFloat32> centered = tf.math.sub(u, mean);
    Operand<TFloat32> variance = tf.math.mean(tf.math.mul(centered, centered), tf.constant(0));
    Operand<TFloat32> std = tf.math.sqrt(variance);
    return tf.math.mul(tf.math.mean(std, tf.constant(0)), tf.constant((float) Math.sqrt(d)));
  }
}
