package io.tfssl.method;

import io.tfssl.nn.Param;
import io.tfssl.nn.VarStore;
import java.util.List;
import java.util.Objects;
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

  /**
   * A method graph by name. Required: the {@link Builder#loss loss}, the {@link Builder#online
   * online} network, and its {@link Builder#projection projection} and {@link
   * Builder#representation representation}. The rest defaults to what most methods have: the online
   * network's parameters trained and its batch-norm statistics updated, its forward FLOPs as the
   * trained FLOPs, no frozen network, no fixed-rate parameters, no target, nothing after the
   * update.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Named fields for a {@link MethodGraph}; see the record's components. */
  public static final class Builder {
    private Operand<TFloat32> loss;
    private List<Param> trainable;
    private Set<String> fixedLrParams = Set.of();
    private List<Op> stateUpdates;
    private Operand<TFloat32> projection;
    private Optional<TargetEma> target = Optional.empty();
    private Long trainedFlops;
    private long frozenFlops;
    private VarStore online;
    private Operand<TFloat32> representation;
    private List<Function<Ops, Op>> afterUpdate = List.of();

    private Builder() {}

    public Builder loss(Operand<TFloat32> loss) {
      this.loss = loss;
      return this;
    }

    /** Default: the online network's parameters. */
    public Builder trainable(List<Param> trainable) {
      this.trainable = trainable;
      return this;
    }

    public Builder fixedLrParams(Set<String> fixedLrParams) {
      this.fixedLrParams = fixedLrParams;
      return this;
    }

    /** Default: the online network's batch-norm statistics updates. */
    public Builder stateUpdates(List<Op> stateUpdates) {
      this.stateUpdates = stateUpdates;
      return this;
    }

    public Builder projection(Operand<TFloat32> projection) {
      this.projection = projection;
      return this;
    }

    public Builder target(TargetEma target) {
      this.target = Optional.of(target);
      return this;
    }

    /** Default: the online network's forward FLOPs. */
    public Builder trainedFlops(long trainedFlops) {
      this.trainedFlops = trainedFlops;
      return this;
    }

    public Builder frozenFlops(long frozenFlops) {
      this.frozenFlops = frozenFlops;
      return this;
    }

    public Builder online(VarStore online) {
      this.online = online;
      return this;
    }

    public Builder representation(Operand<TFloat32> representation) {
      this.representation = representation;
      return this;
    }

    public Builder afterUpdate(List<Function<Ops, Op>> afterUpdate) {
      this.afterUpdate = afterUpdate;
      return this;
    }

    public MethodGraph build() {
      Objects.requireNonNull(loss, "loss");
      Objects.requireNonNull(online, "online");
      Objects.requireNonNull(projection, "projection");
      Objects.requireNonNull(representation, "representation");
      return new MethodGraph(
          loss,
          trainable != null ? trainable : online.params(),
          fixedLrParams,
          stateUpdates != null ? stateUpdates : online.statisticsUpdates(),
          projection,
          target,
          trainedFlops != null ? trainedFlops : online.flops(),
          frozenFlops,
          online,
          representation,
          afterUpdate);
    }
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
