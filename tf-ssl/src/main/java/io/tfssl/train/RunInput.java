package io.tfssl.train;

import io.tfssl.data.ImageSource;

/**
 * What a run was trained on, as {@code input.json} in the run folder records it: the exporter needs
 * the input shape and classes without opening the dataset again (it may be on another machine).
 *
 * @param dataset the dataset name ({@code fashion-mnist}, ...)
 * @param height stored image height
 * @param width stored image width
 * @param channels stored image channels
 * @param numClasses classes of the labeled splits (0 when unlabeled)
 * @param viewSize the side of the views the encoder was trained on
 */
public record RunInput(
    String dataset, int height, int width, int channels, int numClasses, int viewSize) {

  /** The input of a run of {@code config} over {@code source}. */
  public static RunInput of(PretrainConfig config, ImageSource source) {
    long[] hwc = {source.height(), source.width(), source.channels()};
    return new RunInput(
        config.dataset(),
        source.height(),
        source.width(),
        source.channels(),
        source.numClasses(),
        Components.viewSize(config, hwc));
  }

  /** [H, W, C] of the stored images. */
  public long[] hwc() {
    return new long[] {height, width, channels};
  }
}
