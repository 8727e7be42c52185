package io.tfssl.method;

import io.tfssl.nn.Encoder;
import io.tfssl.nn.VarStore;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What a method builds one step from ({@link SslMethod#build}).
 *
 * @param tf the scope the step is built in (a tower's scope and device when there are several)
 * @param encoder the encoder f of the online network
 * @param views the augmented views of the batch, each [N, H, W, C] and normalized, in the order of
 *     {@link SslMethod#views}
 * @param seed the run seed, for the initial weights
 * @param imageIndex the batch's image indices, for a method with per-image state ({@link
 *     SslMethod#needsImageIndex()}); null otherwise
 * @param crossReplica what the replicas of data-parallel training share ({@link
 *     CrossReplicaContext#LOCAL}: a single replica)
 */
public record MethodInput(
    Ops tf,
    Encoder encoder,
    List<Operand<TFloat32>> views,
    long seed,
    ImageIndex imageIndex,
    CrossReplicaContext crossReplica) {

  public MethodInput {
    views = List.copyOf(views);
    if (crossReplica == null) {
      throw new IllegalArgumentException("no cross-replica context: use CrossReplicaContext.LOCAL");
    }
  }

  /** A single replica's step, without image indices. */
  public static MethodInput of(Ops tf, Encoder encoder, List<Operand<TFloat32>> views, long seed) {
    return new MethodInput(tf, encoder, views, seed, null, CrossReplicaContext.LOCAL);
  }

  public MethodInput withImageIndex(ImageIndex index) {
    return new MethodInput(tf, encoder, views, seed, index, crossReplica);
  }

  public MethodInput withCrossReplica(CrossReplicaContext context) {
    return new MethodInput(tf, encoder, views, seed, imageIndex, context);
  }

  /**
   * A trainable store under {@code prefix} seeded with the run seed (the online network), whose
   * batch norm shares its statistics with the other replicas when the context says so.
   */
  public VarStore trainableStore(String prefix) {
    return crossReplica.applyTo(VarStore.trainable(tf, prefix, seed));
  }
}
