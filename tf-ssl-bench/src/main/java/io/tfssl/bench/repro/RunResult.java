package io.tfssl.bench.repro;

import java.util.List;

/**
 * One training run of a table row with one seed.
 *
 * @param row the row's label
 * @param seed the run's seed
 * @param steps optimizer steps taken
 * @param knnTop1 kNN top-1 at the end (NaN when the run diverged)
 * @param linearTop1 linear-evaluation top-1 (NaN when not measured)
 * @param finalLoss last logged loss
 * @param collapseStd last logged std·√d of the l2-normalized projector output
 * @param rankY last logged RankMe of the encoder output on the training batch (NaN: none logged)
 * @param rankZ last logged RankMe of the projector output on the training batch
 * @param rankBoundY min(batch, d_y): the largest rank_y can be (0: unknown)
 * @param exportRankY RankMe of the export's embedding on test images in inference mode (NaN: not
 *     measured)
 * @param exportRankZ the same for the export's projection
 * @param divergedAtStep the step whose loss or gradients were NaN or Inf (0: none)
 * @param seconds wall-clock time of the run, evaluation included
 * @param curve logged training steps: (step, loss, collapse std, rank_y, rank_z)
 * @param knnCurve kNN evaluations over the run: (step, top-1)
 */
public record RunResult(
    String row,
    long seed,
    long steps,
    double knnTop1,
    double linearTop1,
    double finalLoss,
    double collapseStd,
    double rankY,
    double rankZ,
    long rankBoundY,
    double exportRankY,
    double exportRankZ,
    long divergedAtStep,
    double seconds,
    List<double[]> curve,
    List<double[]> knnCurve) {

  public boolean diverged() {
    return divergedAtStep > 0;
  }
}
