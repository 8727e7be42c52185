package io.tfssl.eval;

import io.tfssl.data.Datasets;
import io.tfssl.data.ImageSource;
import io.tfssl.data.Split;
import io.tfssl.data.SubsetSource;
import java.nio.file.Path;

/**
 * A labeled dataset to evaluate on: its name, folder and reading options. Training split for
 * fitting (the classifier, the kNN bank, fine-tuning), test split for reporting.
 *
 * @param dataset a name from {@link Datasets#NAMES}
 * @param dir its folder, or null for {@link Datasets#defaultDir}
 * @param options decoding options for folders and TFRecords
 * @param limit use only the first {@code limit} images of each split (0: all), for quick checks
 */
public record EvalData(String dataset, Path dir, Datasets.Options options, int limit) {

  public EvalData {
    Datasets.check(dataset);
    if (options == null) {
      options = Datasets.Options.defaults();
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit cannot be negative, got " + limit);
    }
  }

  /** {@code dataset} in its default folder, all images. */
  public static EvalData of(String dataset) {
    return new EvalData(dataset, null, null, 0);
  }

  /** The same data limited to the first {@code n} images of each split (0: all). */
  public EvalData withLimit(int n) {
    return new EvalData(dataset, dir, options, n);
  }

  /** The folder read. */
  public Path folder() {
    return dir != null ? dir : Datasets.defaultDir(dataset);
  }

  /** Opens a split (close it with {@link io.tfssl.data.Sources#closeQuietly}). */
  public ImageSource open(Split split) {
    ImageSource source = Datasets.open(dataset, folder(), split, options);
    if (limit == 0 || limit >= source.size()) {
      return source;
    }
    return new SubsetSource(source, java.util.stream.IntStream.range(0, limit).toArray());
  }
}
