package io.tfssl.cli;

import io.tfssl.data.EncodedImageSource;
import io.tfssl.data.ImageFolderSource;
import io.tfssl.data.ImageSource;
import io.tfssl.data.Sources;
import io.tfssl.data.SubsetSource;
import io.tfssl.embed.EmbeddingWriter;
import io.tfssl.export.EmbeddingModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tfssl embed}: a model's embedding of every image of a dataset, to a file. */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Writes the embedding of every image of a dataset split: FILE.npy (float32"
          + " [N, D], numpy.load reads it) with FILE.ids.tsv beside it (one id and label per row:"
          + " the file path under --data-dir for folders, the index otherwise), or FILE.csv"
          + " (id,label,e0,...). Streams batch by batch: memory does not grow with the dataset."
    },
    footer = {
      "",
      "Examples:",
      "  tfssl embed --model saved_models/fmnist-simsiam/1 --dataset fashion-mnist --split test"
          + " --out fmnist-test.npy",
      "  tfssl embed --model saved_models/m/1 --dataset folder --data-dir photos --l2"
          + " --skip-bad-images --out photos.npy"
    })
public final class EmbedCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "SavedModel version directory (or a model directory: its latest version).")
  Path model;

  @Mixin DataOptions data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE.npy|FILE.csv",
      description = "Embeddings file; .npy also writes FILE.ids.tsv.")
  Path out;

  @Option(
      names = "--batch-size",
      paramLabel = "B",
      defaultValue = "256",
      description = "Images per batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "0",
      description = "Embed only the first N images, for a quick check (default: all).")
  int limit;

  @Option(names = "--l2", description = "Divide every embedding by its L2 norm (unit rows).")
  boolean l2;

  @Option(
      names = "--skip-bad-images",
      description =
          "Skip undecodable images of a folder or TFRecord (each is replaced by the"
              + " next good image, and counted) instead of stopping.")
  boolean skipBadImages;

  @Override
  public Integer call() throws Exception {
    CliChecks.positive("--batch-size", batchSize);
    CliChecks.nonNegative("--limit", limit);
    CliChecks.writableFile("--out", out);
    try {
      EmbeddingWriter.formatOf(out);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--out: " + e.getMessage());
    }
    data.validate();
    if (skipBadImages && !data.dataset.equals("folder") && !data.dataset.equals("tfrecord")) {
      throw new UsageException(
          "--skip-bad-images applies only to the folder and tfrecord"
              + " datasets (the only ones with encoded images to skip)");
    }
    try (EmbeddingModel m = EmbeddingModel.load(model)) {
      ImageSource all = data.open((int) m.inputHwc()[0], skipBadImages);
      try {
        ImageSource source =
            limit == 0 || limit >= all.size()
                ? all
                : new SubsetSource(all, IntStream.range(0, limit).toArray());
        return embed(m, source, all);
      } finally {
        Sources.closeQuietly(all);
      }
    }
  }

  /**
   * Streams the embeddings of {@code source}, the first images of {@code all} (same indices), to
   * the file.
   */
  private int embed(EmbeddingModel m, ImageSource source, ImageSource all) throws IOException {
    int n = source.size();
    System.err.printf(
        "embedding %d images of %s (%dx%dx%d) with %s%n",
        n, source.name(), source.height(), source.width(), source.channels(), m.dir());
    long t0 = System.nanoTime();
    try (EmbeddingWriter writer =
            EmbeddingWriter.open(out, m.embeddingDim(), source.numClasses() > 0, l2, ids(all));
        CountProgress progress = new CountProgress("embed", n, "img")) {
      // a bad image was replaced by the next good one: its row would carry that image's
      // embedding under the bad file's id (a false exact duplicate), so it is left out
      IntPredicate bad = all instanceof EncodedImageSource e ? e::isBadImage : i -> false;
      long[] done = {0};
      m.embedEach(
          source,
          batchSize,
          b -> {
            try {
              writer.write(b, bad);
            } catch (IOException e) {
              throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
            }
            done[0] += b.size();
            progress.stepTo(done[0]);
          });
      writer.commit();
      PrintWriter stdout = spec.commandLine().getOut();
      double seconds = (System.nanoTime() - t0) / 1e9;
      stdout.printf(
          Locale.ROOT,
          "embedded %d images, %d floats each%s, in %.1f s" + " (%.0f images/s)%n",
          n,
          m.embeddingDim(),
          l2 ? " (unit length)" : "",
          seconds,
          n / seconds);
      if (all instanceof EncodedImageSource e && e.badImageCount() > 0) {
        stdout.printf(
            "left out %d bad images (%d rows written), first: %s%n",
            e.badImageCount(), writer.rows(), e.badImages().get(0));
      }
      for (Path f : writer.files()) {
        stdout.println("wrote " + f);
      }
      stdout.flush();
    }
    return 0;
  }

  /** File paths under the folder read for folders (portable), the index otherwise. */
  private static IntFunction<String> ids(ImageSource source) {
    if (source instanceof ImageFolderSource folder) {
      Path root = Path.of(folder.name());
      return i -> root.relativize(folder.file(i)).toString();
    }
    return Integer::toString;
  }
}
