package io.tfssl.train;

import io.tfssl.features.Classification;
import io.tfssl.nn.Dense;
import io.tfssl.nn.Mode;
import io.tfssl.nn.Net;
import io.tfssl.nn.Param;
import io.tfssl.nn.VarStore;
import io.tfssl.optim.ParamGrad;
import io.tfssl.optim.SgdMomentum;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A linear classifier trained alongside pretraining on the stop-gradient representation of the
 * first view, as BYOL's code and solo-learn do to watch linear accuracy without a separate run. It
 * reports the accuracy of each batch before its update: a running estimate of what linear
 * evaluation will give, on augmented training images.
 *
 * <p>The probe must never shape the representation, so its input passes through {@code
 * stopGradient} (below) and it has its own optimizer (SGD, momentum 0.9, constant lr {@value
 * #LEARNING_RATE}, no weight decay) rather than the method's.
 */
public final class OnlineProbe {
  /** The probe's learning rate (solo-learn's default for its online classifier). */
  public static final float LEARNING_RATE = 0.1f;

  private final Placeholder<TInt32> labels;
  private final Operand<TFloat32> loss;
  private final Operand<TFloat32> accuracy;
  private final Op update;
  private final List<Param> params;

  private OnlineProbe(
      Placeholder<TInt32> labels,
      Operand<TFloat32> loss,
      Operand<TFloat32> accuracy,
      Op update,
      List<Param> params) {
    this.labels = labels;
    this.loss = loss;
    this.accuracy = accuracy;
    this.update = update;
    this.params = params;
  }

  /**
   * @param representation the encoder output of a training view, [N, D]
   * @param numClasses classes of the fed labels
   */
  public static OnlineProbe build(
      Graph graph, Ops tf, Operand<TFloat32> representation, int numClasses, long seed) {
    if (numClasses < 2) {
      throw new IllegalArgumentException(
          "the online probe needs labels with at least 2 classes," + " got " + numClasses);
    }
    Ops p = tf.withSubScope("online_probe");
    Placeholder<TInt32> labels =
        p.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    // THE STOP-GRADIENT: the probe reads the representation but sends nothing back into it.
    Operand<TFloat32> features = p.stopGradient(representation);
    VarStore store = VarStore.trainable(tf, "online_probe", seed);
    Operand<TFloat32> logits =
        Dense.apply(Net.of(store, Mode.TRAIN).child("linear"), features, numClasses, true);
    Operand<TFloat32> loss =
        p.withName("loss").identity(Classification.crossEntropy(p, logits, labels, numClasses));
    Operand<TFloat32> accuracy =
        p.withName("accuracy").identity(Classification.accuracy(p, logits, labels));

    List<Param> params = store.params();
    Output<?>[] xs = params.stream().map(q -> q.variable().asOutput()).toArray(Output[]::new);
    Output<?>[] grads = Gradients.of(graph, "online_probe_gradients", loss, xs);
    Operand<TFloat32> lr = p.constant(LEARNING_RATE);
    List<ParamGrad> pg = ParamGrad.zip(params, grads, q -> lr);
    Op update = new SgdMomentum(0.9, 0, false).apply(p.withSubScope("optimizer"), pg, "update");
    return new OnlineProbe(labels, loss, accuracy, update, params);
  }

  /** int32 labels of the batch, [N]. */
  public Placeholder<TInt32> labels() {
    return labels;
  }

  /** Mean cross-entropy of the batch. */
  public Operand<TFloat32> loss() {
    return loss;
  }

  /** Top-1 accuracy of the batch, before the update. */
  public Operand<TFloat32> accuracy() {
    return accuracy;
  }

  /** The probe's SGD step; run it with every training step. */
  public Op update() {
    return update;
  }

  /** The probe's weights (online_probe/linear/...). */
  public List<Param> params() {
    return params;
  }
}
