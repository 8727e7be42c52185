package io.tfssl.export;

import io.tfssl.augment.EvalTransform;
import io.tfssl.augment.Normalization;
import io.tfssl.method.SslMethod;
import io.tfssl.nn.Encoder;
import io.tfssl.nn.Mlp;
import io.tfssl.nn.Mode;
import io.tfssl.nn.Net;
import io.tfssl.nn.VarStore;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * The served network: encoder f and projector g with batch norm in inference mode (moving
 * statistics), and nothing of training (no views, predictor, target, gradients or slots).
 *
 * <p>Its variables are created through a {@link VarStore} with the training prefix
 * {@code online}, so they get exactly the names the training graph gave them
 * ({@code online/encoder/conv1/w}, ...) and a training checkpoint restores into this graph
 * (docs/tensorflow-java.md §5 (b)). Two inputs share the one set of variables:
 *
 * <pre>
 * images            uint8 [-1, H, W, C] ─► EvalTransform (resize, /255, normalize) ─┐
 * normalized_images float [-1, S, S, C] ─────────────────────────────────────────────┴─► f ─► embedding ─► g ─► projection
 * </pre>
 */
public final class InferenceNetwork {
  /** The variable prefix every method gives its online network (see {@link SslMethod}). */
  public static final String ONLINE = "online";

  private final Placeholder<TUint8> images;
  private final Placeholder<TFloat32> normalizedImages;
  private final Operand<TFloat32> embedding;
  private final Operand<TFloat32> projection;
  private final Operand<TFloat32> embeddingOfNormalized;
  private final Operand<TFloat32> projectionOfNormalized;
  private final VarStore store;

  private InferenceNetwork(Placeholder<TUint8> images, Placeholder<TFloat32> normalizedImages,
      Operand<TFloat32> embedding, Operand<TFloat32> projection,
      Operand<TFloat32> embeddingOfNormalized, Operand<TFloat32> projectionOfNormalized,
      VarStore store) {
    this.images = images;
    this.normalizedImages = normalizedImages;
    this.embedding = embedding;
    this.projection = projection;
    this.embeddingOfNormalized = embeddingOfNormalized;
    this.projectionOfNormalized = projectionOfNormalized;
    this.store = store;
  }

  /**
   * Builds the network in {@code tf}'s graph.
   *
   * @param inputHwc the uint8 input's [H, W, C] (the dataset's images)
   * @param modelSize the side the encoder sees (the training views' size)
   * @param seed the run's seed: the initial values (used only for a random-init baseline) are
   *     then those the training run started from
   */
  public static InferenceNetwork build(Ops tf, SslMethod method, Encoder encoder,
      long[] inputHwc, int modelSize, Normalization normalization, long seed) {
    Placeholder<TUint8> images = tf.withName("images").placeholder(TUint8.class,
        Placeholder.shape(Shape.of(-1, inputHwc[0], inputHwc[1], inputHwc[2])));
    Placeholder<TFloat32> normalized = tf.withName("normalized_images").placeholder(
        TFloat32.class, Placeholder.shape(Shape.of(-1, modelSize, modelSize, inputHwc[2])));
    VarStore store = VarStore.trainable(tf, ONLINE, seed);
    Net net = Net.of(store, Mode.INFERENCE);
    Mlp projector = method.projector();

    Operand<TFloat32> x = EvalTransform.apply(tf.withSubScope("preprocess"), images, modelSize,
        modelSize, normalization);
    Operand<TFloat32> h = encoder.apply(net.child("encoder"), x);
    Operand<TFloat32> z = projector.apply(net.child("projector"), h);
    Operand<TFloat32> hn = encoder.apply(net.child("encoder"), normalized);
    Operand<TFloat32> zn = projector.apply(net.child("projector"), hn);
    return new InferenceNetwork(images, normalized,
        tf.withName("embedding").identity(h), tf.withName("projection").identity(z),
        tf.withName("embedding_of_normalized").identity(hn),
        tf.withName("projection_of_normalized").identity(zn), store);
  }

  /** uint8 images as stored, [-1, H, W, C]. */
  public Placeholder<TUint8> images() {
    return images;
  }

  /** Float images already resized and normalized, [-1, S, S, C]. */
  public Placeholder<TFloat32> normalizedImages() {
    return normalizedImages;
  }

  /** The encoder output h = f(x) of {@link #images()}: the representation evaluated and served. */
  public Operand<TFloat32> embedding() {
    return embedding;
  }

  /** The projector output z = g(f(x)) of {@link #images()}. */
  public Operand<TFloat32> projection() {
    return projection;
  }

  public Operand<TFloat32> embeddingOfNormalized() {
    return embeddingOfNormalized;
  }

  public Operand<TFloat32> projectionOfNormalized() {
    return projectionOfNormalized;
  }

  /** The network's variables (encoder and projector, moving statistics included). */
  public VarStore store() {
    return store;
  }
}
