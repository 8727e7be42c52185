package io.tfssl.embed;

import io.tfssl.data.ImageDecoder;
import io.tfssl.data.ImageSource;
import io.tfssl.export.EmbeddingModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One image file embedded the way {@code tfssl embed} embeds a folder at the model's input size:
 * decoded to {@code H x W} RGB with the folder's center crop, then through the same {@link
 * EmbeddingModel#embedEach} path (which converts RGB to the model's channels), so a query's
 * embedding equals the row its file got in the embeddings file.
 */
public final class QueryImage {
  private QueryImage() {}

  /** The embedding of {@code image}, {@code D} floats. */
  public static float[] embed(EmbeddingModel model, Path image) throws IOException {
    long[] hwc = model.inputHwc();
    byte[] pixels;
    try (ImageDecoder decoder =
        new ImageDecoder((int) hwc[0], (int) hwc[1], 3, ImageDecoder.Fit.CENTER_CROP)) {
      pixels = decoder.decode(Files.readAllBytes(image), image);
    }
    float[][] out = new float[1][];
    model.embedEach(
        new Decoded(image.toString(), (int) hwc[0], (int) hwc[1], pixels),
        1,
        b -> out[0] = b.embeddings());
    return out[0];
  }

  /** A decoded image as a one-image, unlabeled source. */
  private record Decoded(String name, int height, int width, byte[] pixels) implements ImageSource {
    @Override
    public int size() {
      return 1;
    }

    @Override
    public int channels() {
      return 3;
    }

    @Override
    public void readImage(int index, byte[] dst, int offset) {
      Objects.checkIndex(index, 1);
      System.arraycopy(pixels, 0, dst, offset, pixels.length);
    }

    @Override
    public int label(int index) {
      Objects.checkIndex(index, 1);
      return -1;
    }

    @Override
    public int numClasses() {
      return 0;
    }
  }
}
