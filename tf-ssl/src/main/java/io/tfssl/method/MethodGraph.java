package io.tfssl.method;

import io.tfssl.nn.Param;
import io.tfssl.nn.VarStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What a method contributes to a training step.
 *
 * @param loss the scalar to minimize
 * @param trainable the parameters the optimizer updates (the online network; never a target)
 * @param fixedLrParams names of parameters whose learning rate is not decayed (SimSiam §4.2: "fix
 *     lr" for the predictor)
 * @param stateUpdates batch-norm moving-statistics updates to run with every step
 * @param projection the online projector output z of the first view, watched by the collapse
 *     monitor (SimSiam Fig. 2)
 * @param target the EMA target of BYOL-style methods (BYOL's target network, MoCo's key encoder),
 *     updated after the optimizer step with τ from the run's schedule
 * @param trainedFlops forward FLOPs per image through the networks that get gradients, summed over
 *     all views (encoder, projector, predictor)
 * @param frozenFlops forward FLOPs per image through networks that get none (BYOL's target)
 * @param online the online network's variables ({@code online/...}), for inference branches that
 *     share them (the kNN monitor) and the exporter
 * @param representation the encoder output of the first view in training mode, the input of the
 *     online linear probe
 * @param afterUpdate state changes that must see the step's optimizer update, and that the loss
 *     must not see: each function gets {@link Ops} carrying a control dependency on the update and
 *     returns the op to run (MoCo's enqueue of the batch's keys, SwAV's re-normalization of the
 *     prototypes). The loss reads the state before the step changes it.
 */
public record MethodGraph(
    Operand<TFloat32> loss,
    List<Param> trainable,
    Set<String> fixedLrParams,
    List<Op> stateUpdates,
    Operand<TFloat32> projection,
    Optional<TargetEma> target,
    long trainedFlops,
    long frozenFlops,
    VarStore online,
    Operand<TFloat32> representation,
    List<Function<Ops, Op>> afterUpdate) {

  public MethodGraph {
    trainable = List.copyOf(trainable);
    fixedLrParams = Set.copyOf(fixedLrParams);
    stateUpdates = List.copyOf(stateUpdates);
    afterUpdate = List.copyOf(afterUpdate);
  }

  /** A method graph with nothing to run after the update (BYOL, plain SimSiam). */
  public MethodGraph(
      Operand<TFloat32> loss,
      List<Param> trainable,
      Set<String> fixedLrParams,
      List<Op> stateUpdates,
      Operand<TFloat32> projection,
      Optional<TargetEma> target,
      long trainedFlops,
      long frozenFlops,
      VarStore online,
      Operand<TFloat32> representation) {
    this(
        loss,
        trainable,
        fixedLrParams,
        stateUpdates,
        projection,
        target,
        trainedFlops,
        frozenFlops,
        online,
        representation,
        List.of());
  }

  /**
   * FLOPs of one training step per input image: the backward pass costs about twice the forward
   * (one product for the input gradient, one for the weight gradient), so 3× the trained forward
   * plus the gradient-free forward.
   */
  public long stepFlops() {
    return 3 * trainedFlops + frozenFlops;
  }
}
