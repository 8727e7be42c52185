package io.tfssl.train;

import java.util.Optional;
import java.util.OptionalDouble;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * What one training step's session run returns, by name: the loss, the online probe's accuracy on
 * the batch (when the graph has a probe) and, on logged steps only, the monitors. The graph
 * computes nothing that is not fetched, so the monitors cost nothing on the other steps.
 *
 * @param loss the loss of the batch, before the update
 * @param probeAccuracy the online probe's top-1 on the batch, scored before its own update
 * @param monitors the monitors, on logged steps
 */
record StepFetches(double loss, OptionalDouble probeAccuracy, Optional<Monitors> monitors) {

  /**
   * The in-graph monitors of a logged step.
   *
   * @param learningRate the step's learning rate
   * @param collapseStd std·√d of the l2-normalized projection (SimSiam Fig. 2)
   * @param rankY RankMe of the batch's encoder outputs
   * @param rankZ RankMe of the batch's projector outputs
   * @param tau the EMA rate, for methods with a target network
   */
  record Monitors(
      double learningRate, double collapseStd, double rankY, double rankZ, OptionalDouble tau) {}

  /**
   * Adds the step's fetches to {@code runner} (after its feeds and targets) and returns how to read
   * them back from the run's {@link Result}.
   */
  static Request request(Session.Runner runner, TrainingGraph step, boolean withMonitors) {
    Request request =
        new Request(step.probe().isPresent(), withMonitors, withMonitors && step.tau() != null);
    runner.fetch(step.loss());
    step.probe().ifPresent(p -> runner.fetch(p.accuracy()));
    if (withMonitors) {
      runner
          .fetch(step.learningRate())
          .fetch(step.collapseStd())
          .fetch(step.rankY())
          .fetch(step.rankZ());
      if (request.tau()) {
        runner.fetch(step.tau());
      }
    }
    return request;
  }

  /** Which fetches a run holds, in the order {@link #request} added them. */
  record Request(boolean probe, boolean monitors, boolean tau) {

    StepFetches read(Result r) {
      int i = 0;
      double loss = scalar(r, i++);
      OptionalDouble probeAccuracy =
          probe ? OptionalDouble.of(scalar(r, i++)) : OptionalDouble.empty();
      Optional<Monitors> read = Optional.empty();
      if (monitors) {
        double lr = scalar(r, i++);
        double collapse = scalar(r, i++);
        double rankY = scalar(r, i++);
        double rankZ = scalar(r, i++);
        OptionalDouble t = tau ? OptionalDouble.of(scalar(r, i++)) : OptionalDouble.empty();
        read = Optional.of(new Monitors(lr, collapse, rankY, rankZ, t));
      }
      return new StepFetches(loss, probeAccuracy, read);
    }

    private static double scalar(Result r, int index) {
      return ((TFloat32) r.get(index)).getFloat();
    }
  }
}
