package io.tfssl.export;

import io.tfssl.data.Batch;
import io.tfssl.data.BatchIterator;
import io.tfssl.data.Dataset;
import io.tfssl.data.ImageSource;
import io.tfssl.features.Features;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * A SavedModel's {@code serving_default} signature used as a feature extractor: what the evaluators
 * measure is exactly what TF Serving would serve.
 *
 * <pre>{@code
 * try (EmbeddingModel model = EmbeddingModel.load(Path.of("saved_models/s1/1"))) {
 *   Features train = model.embed(trainSource, 512, n -> {});
 * }
 * }</pre>
 *
 * <p>Images whose shape differs from the model's input (a transfer dataset) are adapted in a small
 * graph first: channels averaged (RGB to gray) or repeated (gray to RGB), then resized bilinearly;
 * the model's own normalization then applies as served.
 */
public final class EmbeddingModel implements AutoCloseable {
  private final Path dir;
  private final SavedModelBundle bundle;
  private final SessionFunction serving;
  private final long[] inputHwc;
  private final int embeddingDim;
  private final Optional<ModelMetadata> metadata;

  private EmbeddingModel(
      Path dir,
      SavedModelBundle bundle,
      SessionFunction serving,
      long[] inputHwc,
      int embeddingDim,
      Optional<ModelMetadata> metadata) {
    this.dir = dir;
    this.bundle = bundle;
    this.serving = serving;
    this.inputHwc = inputHwc;
    this.embeddingDim = embeddingDim;
    this.metadata = metadata;
  }

  /**
   * Loads {@code dir} (a version directory, or a model base directory whose latest version is
   * taken) and checks that {@code serving_default} takes uint8 {@code images} [-1, H, W, C] and
   * returns a 2-D float {@code embedding}.
   *
   * @throws InvalidModelException with the reason when it is not such a model
   */
  public static EmbeddingModel load(Path dir) {
    Path version = SavedModels.resolve(dir);
    Optional<ModelMetadata> metadata = ModelMetadata.read(version);
    SavedModelBundle bundle = SavedModels.load(version);
    try {
      Signature sig =
          bundle.signatures().stream()
              .filter(s -> s.key().equals(Exporter.SERVING_DEFAULT))
              .findFirst()
              .orElseThrow(
                  () ->
                      new InvalidModelException(
                          version,
                          "no '"
                              + Exporter.SERVING_DEFAULT
                              + "' signature (it has "
                              + bundle.signatures().stream().map(Signature::key).toList()
                              + ")"));
      Signature.TensorDescription in = sig.getInputs().get(Exporter.IMAGES);
      if (in == null
          || in.dataType != DataType.DT_UINT8
          || in.shape.numDimensions() != 4
          || in.shape.size(1) <= 0
          || in.shape.size(2) <= 0
          || in.shape.size(3) <= 0) {
        throw new InvalidModelException(
            version,
            "'"
                + Exporter.SERVING_DEFAULT
                + "' must take '"
                + Exporter.IMAGES
                + "' as uint8 [-1, H, W, C] with H, W, C known; it takes "
                + describe(sig.getInputs()));
      }
      Signature.TensorDescription out = sig.getOutputs().get(Exporter.EMBEDDING);
      if (out == null
          || out.dataType != DataType.DT_FLOAT
          || out.shape.numDimensions() != 2
          || out.shape.size(1) <= 0) {
        throw new InvalidModelException(
            version,
            "'"
                + Exporter.SERVING_DEFAULT
                + "' must return '"
                + Exporter.EMBEDDING
                + "' as float [-1, D]; it returns "
                + describe(sig.getOutputs()));
      }
      long[] hwc = {in.shape.size(1), in.shape.size(2), in.shape.size(3)};
      return new EmbeddingModel(
          version,
          bundle,
          bundle.function(Exporter.SERVING_DEFAULT),
          hwc,
          (int) out.shape.size(1),
          metadata);
    } catch (RuntimeException e) {
      bundle.close();
      throw e;
    }
  }

  private static String describe(Map<String, Signature.TensorDescription> tensors) {
    StringBuilder b = new StringBuilder("{");
    tensors.forEach(
        (name, d) ->
            b.append(b.length() > 1 ? ", " : "")
                .append(name)
                .append(": ")
                .append(d.dataType.name().replace("DT_", "").toLowerCase())
                .append(' ')
                .append(d.shape));
    return b.append('}').toString();
  }

  /** The version directory loaded. */
  public Path dir() {
    return dir;
  }

  /** metadata.json, present for models exported by tf-ssl. */
  public Optional<ModelMetadata> metadata() {
    return metadata;
  }

  /** [H, W, C] of the {@code images} input. */
  public long[] inputHwc() {
    return inputHwc.clone();
  }

  public int embeddingDim() {
    return embeddingDim;
  }

  /** The loaded bundle (its session stays owned by this object). */
  public SavedModelBundle bundle() {
    return bundle;
  }

  /**
   * Embeds one uint8 batch of the model's input shape.
   *
   * @return [N, D] row-major
   */
  public float[] embed(TUint8 images) {
    try (Result r = serving.call(Map.of(Exporter.IMAGES, images))) {
      TFloat32 e = (TFloat32) r.get(Exporter.EMBEDDING).orElseThrow();
      float[] out = new float[(int) e.size()];
      e.copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  /**
   * Embeds every image of {@code source} in order, with its label.
   *
   * @param progress told the number of images done after each batch
   */
  public Features embed(ImageSource source, int batchSize, LongConsumer progress) {
    if (source.numClasses() <= 0) {
      throw new IllegalArgumentException(source.name() + " has no labels to evaluate with");
    }
    int n = source.size();
    float[] data = new float[Math.multiplyExact(n, embeddingDim)];
    int[] labels = new int[n];
    int[] done = {0};
    embedEach(
        source,
        batchSize,
        b -> {
          System.arraycopy(b.embeddings(), 0, data, done[0] * embeddingDim, b.embeddings().length);
          System.arraycopy(b.labels(), 0, labels, done[0], b.size());
          done[0] += b.size();
          progress.accept(done[0]);
        });
    return new Features(data, n, embeddingDim, labels, source.numClasses());
  }

  /**
   * One batch of embeddings as {@link #embedEach} hands it over.
   *
   * @param embeddings {@code [size, D]} row-major
   * @param sourceIndices which image of the source each row is
   * @param labels the label of each row, -1 for an unlabeled source
   */
  public record EmbeddedBatch(float[] embeddings, int[] sourceIndices, int[] labels) {
    public int size() {
      return labels.length;
    }
  }

  /**
   * Embeds every image of {@code source} in order (labeled or not) and hands each batch to {@code
   * sink} as soon as it is computed: nothing is kept, so memory stays at a few batches however
   * large the source (what {@code tfssl embed} streams to a file).
   */
  public void embedEach(ImageSource source, int batchSize, Consumer<EmbeddedBatch> sink) {
    int n = source.size();
    long[] srcHwc = {source.height(), source.width(), source.channels()};
    Dataset dataset = Dataset.from(source).batch(batchSize, false).prefetch(2);
    try (Adapter adapter = Adapter.between(srcHwc, inputHwc);
        BatchIterator batches = dataset.iterator()) {
      int done = 0;
      while (batches.hasNext()) {
        try (Batch batch = batches.next()) {
          float[] e;
          if (adapter == null) {
            e = embed(batch.images());
          } else {
            try (Result adapted = adapter.apply(batch.images())) {
              e = embed((TUint8) adapted.get(0));
            }
          }
          sink.accept(new EmbeddedBatch(e, batch.sourceIndices(), batch.labels()));
          done += batch.size();
        }
      }
      if (done != n) {
        throw new IllegalStateException("embedded " + done + " of " + n + " images");
      }
    }
  }

  @Override
  public void close() {
    bundle.close();
  }

  /** Converts channels and size of a dataset's images to a model's input, in a small graph. */
  private static final class Adapter implements AutoCloseable {
    private final Graph graph;
    private final Session session;
    private final Placeholder<TUint8> in;
    private final Operand<TUint8> out;

    private Adapter(long[] from, long[] to) {
      graph = new Graph();
      Ops tf = Ops.create(graph);
      in = tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, from[0], from[1], from[2])));
      Operand<TFloat32> x = tf.dtypes.cast(in, TFloat32.class);
      if (from[2] == 3 && to[2] == 1) {
        x = io.tfssl.augment.Luma.of(tf, x); // as the encoded-image signature converts
      } else if (from[2] == 1 && to[2] == 3) {
        x = tf.tile(x, tf.constant(new int[] {1, 1, 1, 3}));
      } else if (from[2] != to[2]) {
        graph.close();
        throw new IllegalArgumentException(
            "cannot feed "
                + from[2]
                + "-channel images to a model"
                + " that takes "
                + to[2]
                + " channels");
      }
      if (from[0] != to[0] || from[1] != to[1]) {
        x = tf.image.resizeBilinear(x, tf.constant(new int[] {(int) to[0], (int) to[1]}));
      }
      x = tf.clipByValue(tf.math.round(x), tf.constant(0f), tf.constant(255f));
      out = tf.dtypes.cast(x, TUint8.class);
      session = new Session(graph);
    }

    /** Null when the shapes already match. */
    static Adapter between(long[] from, long[] to) {
      return java.util.Arrays.equals(from, to) ? null : new Adapter(from, to);
    }

    /** The adapted batch as the only tensor of the result (close it). */
    Result apply(TUint8 images) {
      return session.runner().feed(in, images).fetch(out).run();
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }
}
