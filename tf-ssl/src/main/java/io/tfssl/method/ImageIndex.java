package io.tfssl.method;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt32;

/**
 * Which images of the dataset the step's batch holds: an int32 placeholder [N] fed with the source
 * index of every image ({@code io.tfssl.data.Batch#sourceIndices()}), and the dataset size, for
 * methods that keep state per image (SimSiam's moving-average target η_x, §5). The trainer creates
 * and feeds it only for a method whose {@link SslMethod#needsImageIndex()} is true, so other graphs
 * are unchanged.
 *
 * @param indices the fed indices, each in {@code [0, imageCount)}, distinct within a batch
 * @param imageCount the number of images of the training set
 */
public record ImageIndex(Placeholder<TInt32> indices, int imageCount) {
  /** Name of the placeholder in the graph. */
  public static final String NAME = "image_index";

  public ImageIndex {
    if (imageCount <= 0) {
      throw new IllegalArgumentException(
          "per-image state needs the dataset size, got " + imageCount);
    }
  }

  /** Creates the placeholder {@value #NAME} at the root of {@code tf}'s graph. */
  public static ImageIndex create(Ops tf, int imageCount) {
    return new ImageIndex(
        tf.withName(NAME).placeholder(TInt32.class, Placeholder.shape(Shape.of(-1))), imageCount);
  }
}
