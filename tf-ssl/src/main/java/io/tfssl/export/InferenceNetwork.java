package io.tfssl.export;

import io.tfssl.augment.EvalTransform;
import io.tfssl.data.Normalization;
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
import org.tensorflow.op.core.Sum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * The served network: encoder f and projector g with batch norm in inference mode (moving
 * statistics), and nothing of training (no views, predictor, target, gradients or slots).
 *
 * <p>Its variables are created through a {@link VarStore} with the training prefix {@code online},
 * so they get exactly the names the training graph gave them ({@code online/encoder/conv1/w}, ...)
 * and a training checkpoint restores into this graph (an inference-only graph plus a restore,
 * docs/tensorflow-java.md §5 (b)). Three inputs share the one set of variables:
 *
 * <pre>
 * images            uint8  [-1, H, W, C] ─► EvalTransform: resize, /255, normalize ──┐
 * image_bytes       string [-1] ─► EncodedImages: decode, resize ─► /255, normalize ──┤
 * normalized_images float  [-1, S, S, C] (resized and normalized by the caller) ──────┤
 *   ┌─────────────────────────────────────────────────────────────────────────────────┘
 *   └─► f ─► embedding (and embedding_l2, unit length) ─► g ─► projection
 * </pre>
 */
public final class InferenceNetwork {
  /** The variable prefix every method gives its online network (see {@link SslMethod}). */
  public static final String ONLINE = "online";

  /**
   * What one input gives.
   *
   * @param embedding the encoder output h = f(x), the representation evaluated and served
   * @param embeddingL2 h / ||h||, unit length (what cosine similarity search wants)
   * @param projection the projector output z = g(f(x))
   */
  public record Outputs(
      Operand<TFloat32> embedding, Operand<TFloat32> embeddingL2, Operand<TFloat32> projection) {}

  private final Placeholder<TUint8> images;
  private final Placeholder<TString> imageFiles;
  private final Placeholder<TFloat32> normalizedImages;
  private final Outputs ofImages;
  private final Outputs ofFiles;
  private final Outputs ofNormalized;
  private final VarStore store;

  private InferenceNetwork(
      Placeholder<TUint8> images,
      Placeholder<TString> imageFiles,
      Placeholder<TFloat32> normalizedImages,
      Outputs ofImages,
      Outputs ofFiles,
      Outputs ofNormalized,
      VarStore store) {
    this.images = images;
    this.imageFiles = imageFiles;
    this.normalizedImages = normalizedImages;
    this.ofImages = ofImages;
    this.ofFiles = ofFiles;
    this.ofNormalized = ofNormalized;
    this.store = store;
  }

  /**
   * Builds the network in {@code tf}'s graph.
   *
   * @param inputHwc the uint8 input's [H, W, C] (the dataset's images)
   * @param modelSize the side the encoder sees (the training views' size)
   * @param seed the run's seed: the initial values (used only for a random-init baseline) are then
   *     those the training run started from
   */
  public static InferenceNetwork build(
      Ops tf,
      SslMethod method,
      Encoder encoder,
      long[] inputHwc,
      int modelSize,
      Normalization normalization,
      long seed) {
    int channels = (int) inputHwc[2];
    Placeholder<TUint8> images =
        tf.withName("images")
            .placeholder(
                TUint8.class, Placeholder.shape(Shape.of(-1, inputHwc[0], inputHwc[1], channels)));
    Placeholder<TString> files =
        tf.withName("image_bytes").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
    Placeholder<TFloat32> normalized =
        tf.withName("normalized_images")
            .placeholder(
                TFloat32.class, Placeholder.shape(Shape.of(-1, modelSize, modelSize, channels)));
    VarStore store = VarStore.trainable(tf, ONLINE, seed);
    Net net = Net.of(store, Mode.INFERENCE);
    Mlp projector = method.projector();

    Operand<TFloat32> x =
        EvalTransform.apply(
            tf.withSubScope("preprocess"), images, modelSize, modelSize, normalization);
    Ops decode = tf.withSubScope("decode");
    Operand<TFloat32> pixels = EncodedImages.decode(decode, files, modelSize, channels);
    Operand<TFloat32> xf =
        normalization.apply(decode, decode.math.div(pixels, decode.constant(255f)));
    return new InferenceNetwork(
        images,
        files,
        normalized,
        outputs(tf, net, encoder, projector, x, ""),
        outputs(tf, net, encoder, projector, xf, "_of_bytes"),
        outputs(tf, net, encoder, projector, normalized, "_of_normalized"),
        store);
  }

  private static Outputs outputs(
      Ops tf, Net net, Encoder encoder, Mlp projector, Operand<TFloat32> x, String suffix) {
    Operand<TFloat32> h = encoder.apply(net.child("encoder"), x);
    Operand<TFloat32> z = projector.apply(net.child("projector"), h);
    return new Outputs(
        tf.withName("embedding" + suffix).identity(h),
        tf.withName("embedding_l2" + suffix).identity(l2Normalize(tf, h)),
        tf.withName("projection" + suffix).identity(z));
  }

  /** h / max(||h||, 1e-6) per row, as tf.math.l2_normalize (epsilon 1e-12 on the square). */
  static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> h) {
    Operand<TFloat32> squares = tf.sum(tf.math.square(h), tf.constant(-1), Sum.keepDims(true));
    return tf.math.mul(h, tf.math.rsqrt(tf.math.maximum(squares, tf.constant(1e-12f))));
  }

  /** uint8 images as stored, [-1, H, W, C]. */
  public Placeholder<TUint8> images() {
    return images;
  }

  /** Encoded JPEG, PNG, GIF or BMP files, [-1]. */
  public Placeholder<TString> imageFiles() {
    return imageFiles;
  }

  /** Float images already resized and normalized, [-1, S, S, C]. */
  public Placeholder<TFloat32> normalizedImages() {
    return normalizedImages;
  }

  /** The outputs for {@link #images()}. */
  public Outputs ofImages() {
    return ofImages;
  }

  /** The outputs for {@link #imageFiles()}. */
  public Outputs ofFiles() {
    return ofFiles;
  }

  /** The outputs for {@link #normalizedImages()}. */
  public Outputs ofNormalized() {
    return ofNormalized;
  }

  /** The encoder output h = f(x) of {@link #images()}: the representation evaluated and served. */
  public Operand<TFloat32> embedding() {
    return ofImages.embedding();
  }

  /** The projector output z = g(f(x)) of {@link #images()}. */
  public Operand<TFloat32> projection() {
    return ofImages.projection();
  }

  /** The network's variables (encoder and projector, moving statistics included). */
  public VarStore store() {
    return store;
  }
}
