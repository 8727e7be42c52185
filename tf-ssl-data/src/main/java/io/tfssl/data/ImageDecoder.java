package io.tfssl.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TFUnimplementedException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ScaleAndTranslate;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Decodes one encoded JPEG or PNG image (also BMP, and the first frame of a GIF: whatever
 * TensorFlow's {@code DecodeImage} accepts) to uint8 HWC pixels of one fixed size, with
 * TensorFlow's own decoders and resampler.
 *
 * <p>Why TensorFlow and not {@code javax.imageio}: the pixels then match what a Python {@code
 * tf.io.decode_image} + {@code tf.image.resize} pipeline produces (same libjpeg, same colour
 * conversion, same antialiased bilinear kernel), and grayscale, palette, 16-bit and alpha PNGs are
 * converted to the requested channel count by the op itself.
 *
 * <p>The small graph is built once per decoder; each {@link #decode} feeds one TString scalar and
 * fetches one uint8 tensor, both closed before returning. The graph is {@code DecodeImage(channels)
 * -> Slice (center crop) -> ScaleAndTranslate(triangle, antialias) -> Round -> ClipByValue(0, 255)
 * -> Cast(uint8)}, that is {@code tf.image.resize(method="bilinear", antialias=True)} of the
 * cropped region. An image already of the target size comes back bit-exact (the kernel then samples
 * pixel centres only).
 *
 * <p>The session gets its own single inter-op thread ({@code use_per_session_threads}) and leaves
 * intra-op parallelism at the default: TensorFlow sizes its process-wide thread pools from the
 * <em>first</em> session created, so a decoder created before the training session must not shrink
 * them. Parallelism comes from running one decoder per worker thread instead.
 *
 * <p>Not thread-safe: use one decoder per thread (sources keep a pool of them). Close it to free
 * the native graph and session.
 */
public final class ImageDecoder implements AutoCloseable {

  /** How an image whose aspect ratio differs from the target's is fitted to the target. */
  public enum Fit {
    /**
     * Keep the aspect ratio: take the largest centred region with the target's aspect ratio, then
     * resize it to the target, which is the same as resizing the shorter side to the target and
     * cropping the centre ({@code Resize + CenterCrop} in torchvision terms, with a crop fraction
     * of 1). The default: distorting objects would be a silent augmentation nobody asked for.
     */
    CENTER_CROP,
    /** Resize the whole image to the target, distorting the aspect ratio; nothing is lost. */
    STRETCH
  }

  private static final ConfigProto CONFIG =
      ConfigProto.newBuilder()
          .setUsePerSessionThreads(true)
          .setInterOpParallelismThreads(1)
          .build();

  private final int height;
  private final int width;
  private final int channels;
  private final Fit fit;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TString> input;
  private final Operand<TUint8> output;
  private boolean closed;

  /**
   * A decoder that center-crops to the target's aspect ratio ({@link Fit#CENTER_CROP}).
   *
   * @param height target height in pixels, at least 1
   * @param width target width in pixels, at least 1
   * @param channels 1 (grayscale) or 3 (RGB); images are converted as needed
   * @throws IllegalArgumentException if a dimension is out of range
   */
  public ImageDecoder(int height, int width, int channels) {
    this(height, width, channels, Fit.CENTER_CROP);
  }

  /**
   * A decoder with an explicit fit.
   *
   * @param height target height in pixels, at least 1
   * @param width target width in pixels, at least 1
   * @param channels 1 (grayscale) or 3 (RGB); images are converted as needed
   * @param fit how to handle a different aspect ratio
   * @throws IllegalArgumentException if a dimension is out of range
   */
  public ImageDecoder(int height, int width, int channels, Fit fit) {
    checkShape(height, width, channels);
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.fit = Objects.requireNonNull(fit, "fit");
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      this.input =
          tf.withName("encoded").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      this.output = build(tf, input);
      this.session = new Session(graph, CONFIG);
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  /** Checks a target shape; shared with the sources' builders so errors read the same. */
  static void checkShape(int height, int width, int channels) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "target size must be positive, got " + height + "x" + width);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
  }

  private Operand<TUint8> build(Ops tf, Operand<TString> encoded) {
    Operand<TUint8> image =
        tf.image.decodeImage(
            encoded,
            new DecodeImage.Options[] {
              DecodeImage.channels((long) channels), DecodeImage.expandAnimations(false)
            });
    Operand<TUint8> region = image;
    if (fit == Fit.CENTER_CROP) {
      // round(w * H / W) rows and round(h * W / H) columns, each capped at the image: one
      // of the two is the whole side, the other the centred part with the target's ratio.
      Operand<TInt64> shape = tf.shape(image, TInt64.class);
      Operand<TInt64> h = tf.gather(shape, tf.constant(0), tf.constant(0));
      Operand<TInt64> w = tf.gather(shape, tf.constant(1), tf.constant(0));
      Operand<TInt64> cropH = ratioSide(tf, w, height, width, h);
      Operand<TInt64> cropW = ratioSide(tf, h, width, height, w);
      Operand<TInt64> two = tf.constant(2L);
      Operand<TInt64> top = tf.math.floorDiv(tf.math.sub(h, cropH), two);
      Operand<TInt64> left = tf.math.floorDiv(tf.math.sub(w, cropW), two);
      region =
          tf.slice(
              image,
              tf.stack(List.of(top, left, tf.constant(0L))),
              tf.stack(List.of(cropH, cropW, tf.constant(-1L))));
    }
    Operand<TInt32> regionShape = tf.shape(region);
    Operand<TFloat32> regionHw =
        tf.dtypes.cast(
            tf.slice(regionShape, tf.constant(new int[] {0}), tf.constant(new int[] {2})),
            TFloat32.class);
    Operand<TFloat32> scale = tf.math.div(tf.constant(new float[] {height, width}), regionHw);
    Operand<TFloat32> batch = tf.expandDims(tf.dtypes.cast(region, TFloat32.class), tf.constant(0));
    Operand<TFloat32> resized =
        tf.image.scaleAndTranslate(
            batch,
            tf.constant(new int[] {height, width}),
            scale,
            tf.constant(new float[] {0f, 0f}),
            ScaleAndTranslate.kernelType("triangle"),
            ScaleAndTranslate.antialias(true));
    Operand<TFloat32> pixels =
        tf.reshape(resized, tf.constant(new long[] {height, width, channels}));
    Operand<TFloat32> clipped =
        tf.clipByValue(tf.math.round(pixels), tf.constant(0f), tf.constant(255f));
    return tf.withName("pixels").dtypes.cast(clipped, TUint8.class);
  }

  /** {@code clamp(round(other * num / den), 1, cap)} in int64. */
  private static Operand<TInt64> ratioSide(
      Ops tf, Operand<TInt64> other, int num, int den, Operand<TInt64> cap) {
    // floor((2 * other * num + den) / (2 * den)) rounds half up without floats
    Operand<TInt64> twice =
        tf.math.add(tf.math.mul(other, tf.constant(2L * num)), tf.constant((long) den));
    Operand<TInt64> rounded = tf.math.floorDiv(twice, tf.constant(2L * den));
    return tf.math.maximum(tf.math.minimum(rounded, cap), tf.constant(1L));
  }

  /**
   * Decodes {@code encoded} into {@code dst} as {@code height * width * channels} uint8 values in
   * HWC order, starting at {@code offset}. Nothing is written if decoding fails.
   *
   * @param encoded the encoded file contents
   * @param dst destination array
   * @param offset where the first byte goes
   * @param file the file the bytes came from, named in the error
   * @param location where in {@code file} the bytes came from (for example {@code "record 3 at byte
   *     offset 4096"}), or null for a whole-file image
   * @throws DataFormatException naming {@code file} (and {@code location}) if the bytes are not a
   *     decodable image
   * @throws IndexOutOfBoundsException if {@code dst} has no room at {@code offset}
   * @throws IllegalStateException if the decoder is closed
   */
  public void decode(byte[] encoded, byte[] dst, int offset, Path file, String location) {
    Objects.requireNonNull(encoded, "encoded");
    Objects.checkFromIndexSize(offset, imageBytes(), dst.length);
    if (closed) {
      throw new IllegalStateException("ImageDecoder is closed");
    }
    String where = location == null ? "" : location + ": ";
    if (encoded.length == 0) {
      throw new DataFormatException(file, where + "cannot decode image: it is empty (0 bytes)");
    }
    try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(encoded));
        Result result = session.runner().feed(input, in).fetch(output).run()) {
      Tensor t = result.get(0);
      t.asRawTensor().data().read(dst, offset, imageBytes());
    } catch (TensorFlowException | TFInvalidArgumentException | TFUnimplementedException e) {
      // TF maps a bad image to InvalidArgument (an IllegalArgumentException subclass),
      // other status codes to the rest; none of them can come from a valid image
      throw new DataFormatException(
          file,
          where
              + "cannot decode image ("
              + encoded.length
              + " bytes): "
              + firstLine(e.getMessage()),
          e);
    }
  }

  /**
   * Decodes {@code encoded} into a new array; see {@link #decode(byte[], byte[], int, Path,
   * String)}.
   *
   * @param encoded the encoded file contents
   * @param file the file the bytes came from, named in the error
   * @return {@code height * width * channels} uint8 values in HWC order
   * @throws DataFormatException naming {@code file} if the bytes are not a decodable image
   */
  public byte[] decode(byte[] encoded, Path file) {
    byte[] out = new byte[imageBytes()];
    decode(encoded, out, 0, file, null);
    return out;
  }

  static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }

  /**
   * The target height.
   *
   * @return the height in pixels
   */
  public int height() {
    return height;
  }

  /**
   * The target width.
   *
   * @return the width in pixels
   */
  public int width() {
    return width;
  }

  /**
   * The channel count of the output, 1 or 3.
   *
   * @return the channel count
   */
  public int channels() {
    return channels;
  }

  /**
   * How aspect ratios are fitted.
   *
   * @return the fit
   */
  public Fit fit() {
    return fit;
  }

  /**
   * Bytes of one decoded image, {@code height * width * channels}.
   *
   * @return the byte count
   */
  public int imageBytes() {
    return height * width * channels;
  }

  /** Frees the native session and graph; idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        session.close();
      } finally {
        graph.close();
      }
    }
  }

  @Override
  public String toString() {
    return "ImageDecoder[" + height + "x" + width + "x" + channels + ", " + fit + "]";
  }
}
