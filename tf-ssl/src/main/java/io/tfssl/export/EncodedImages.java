package io.tfssl.export;

import io.tfssl.augment.Luma;
import java.util.List;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssertThat;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.data.DatasetToSingleElement;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.strings.ReduceJoin;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * Decoding inside the served graph: a {@code [-1]} string tensor of JPEG, PNG, GIF or BMP files to
 * float pixels {@code [-1, S, S, C]} in 0..255 (not yet scaled or normalized).
 *
 * <p>Each file is decoded as RGB (all four formats can give 3 channels; an animated GIF gives its
 * first frame), turned into the model's channels, and resized bilinearly to S x S with the options
 * of {@link io.tfssl.augment.EvalTransform} (a file already S x S passes unchanged). For one
 * channel the gray value is {@code round(0.299 R + 0.587 G + 0.114 B)} (ITU-R BT.601, as libjpeg
 * and PIL compute it): a gray file decodes to its own pixels, so a client gets exactly what the
 * uint8 signature gives for those pixels.
 *
 * <p>Why a tf.data pipeline rather than one op over the batch: the files of one request have
 * different sizes, so each is decoded and resized on its own (a parallel map), and tf.data's {@code
 * ignore_errors} is the only way a graph can go on past a file that fails to decode. The indices
 * that came through are compared with the request's, and an assertion then fails the request with
 * the bad indices ({@code image_bytes[3] could not be decoded ...}): the caller gets an
 * INVALID_ARGUMENT error naming them, and the server or JVM carries on.
 */
final class EncodedImages {

  private EncodedImages() {}

  /**
   * @param files {@code [-1]} encoded image files
   * @param size S, the side the model sees
   * @param channels C of the model, 1 or 3
   */
  static Operand<TFloat32> decode(Ops tf, Operand<TString> files, int size, int channels) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(
          "encoded images can feed 1- or 3-channel models, not " + channels);
    }
    Shape image = Shape.of(size, size, channels);
    List<Class<? extends TType>> types = List.of(TInt32.class, TFloat32.class);
    List<Shape> one = List.of(Shape.scalar(), image);
    List<Shape> batched = List.of(Shape.of(-1), Shape.of(-1, size, size, channels));

    Operand<TInt32> n = tf.size(files, TInt32.class);
    Operand<TInt32> indices = tf.range(tf.constant(0), n, tf.constant(1));
    Operand<? extends TType> ds =
        tf.data.tensorSliceDataset(
            List.of(indices, files), List.of(Shape.scalar(), Shape.scalar()));
    ds =
        tf.data.parallelMapDataset(
            ds, List.of(), tf.constant(-1L), decodeOne(size, channels), types, one);
    ds = tf.data.ignoreErrorsDataset(ds, types, one);
    // One extra element, so the batch below exists even when every file failed (or none came).
    Operand<? extends TType> sentinel =
        tf.data.tensorDataset(
            List.of(tf.constant(-1), tf.zeros(tf.constant(image.asArray()), TFloat32.class)), one);
    ds = tf.data.concatenateDataset(ds, sentinel, types, one);
    ds = tf.data.batchDataset(ds, tf.constant(Long.MAX_VALUE), tf.constant(false), types, batched);
    DatasetToSingleElement all = tf.data.datasetToSingleElement(ds, types, batched);
    @SuppressWarnings("unchecked")
    Operand<TInt32> decoded = (Operand<TInt32>) all.components().get(0);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> pixels = (Operand<TFloat32>) all.components().get(1);

    Operand<TInt32> bad = tf.setDiff1d(indices, decoded).out();
    Operand<TString> message =
        tf.strings.join(
            List.of(
                tf.constant("image_bytes["),
                tf.strings.reduceJoin(
                    tf.dtypes.asString(bad),
                    tf.constant(0),
                    ReduceJoin.separator("], image_bytes[")),
                tf.constant("] could not be decoded (not a complete JPEG, PNG, GIF or BMP file)")));
    AssertThat allDecoded =
        tf.withName("check_images_decoded")
            .assertThat(
                tf.math.equal(tf.size(bad, TInt32.class), tf.constant(0)), List.of(message));
    Ops checked = tf.withControlDependencies(List.of(allDecoded));
    Operand<TFloat32> requested =
        checked.slice(
            pixels,
            tf.constant(new int[] {0, 0, 0, 0}),
            tf.stack(List.of(n, tf.constant(-1), tf.constant(-1), tf.constant(-1))));
    return checked.reshape(requested, tf.constant(new long[] {-1, size, size, channels}));
  }

  /** (index, file) to (index, pixels [S, S, C]): the map function of the pipeline. */
  private static ConcreteFunction decodeOne(int size, int channels) {
    return ConcreteFunction.create(
        f -> {
          Placeholder<TInt32> index =
              f.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
          Placeholder<TString> file =
              f.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
          DecodeImage<TUint8> rgb =
              f.image.decodeImage(
                  file,
                  new DecodeImage.Options[] {
                    DecodeImage.channels(3L), DecodeImage.expandAnimations(false)
                  });
          Operand<TFloat32> x = f.dtypes.cast(rgb, TFloat32.class);
          if (channels == 1) {
            x = f.math.round(Luma.of(f, x));
          }
          x =
              f.image.resizeBilinear(
                  f.expandDims(x, f.constant(0)), f.constant(new int[] {size, size}));
          Operand<TFloat32> out = f.reshape(x, f.constant(new long[] {size, size, channels}));
          return Signature.builder()
              .input("index", index)
              .input("file", file)
              .output("index", f.identity(index))
              .output("pixels", out)
              .build();
        });
  }
}
