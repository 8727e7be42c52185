package io.tfssl.method;

import io.tfssl.nn.Param;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;

/**
 * What a method contributes to a training step.
 *
 * @param loss the scalar to minimize
 * @param trainable the parameters the optimizer updates (the online network; never a target)
 * @param fixedLrParams names of parameters whose learning rate is not decayed (SimSiam §4.2:
 *     "fix lr" for the predictor)
 * @param stateUpdates batch-norm moving-statistics updates to run with every step
 * @param projection the online projector output z of the first view, watched by the collapse
 *     monitor (SimSiam Fig. 2)
 * @param target the EMA target of BYOL-style methods, updated after the optimizer step
 */
public record MethodGraph(
    Operand<TFloat32> loss,
    List<Param> trainable,
    Set<String> fixedLrParams,
    List<Op> stateUpdates,
    Operand<TFloat32> projection,
    Optional<TargetEma> target) {

  public MethodGraph {
    trainable = List.copyOf(trainable);
    fixedLrParams = Set.copyOf(fixedLrParams);
    stateUpdates = List.copyOf(stateUpdates);
  }
}
