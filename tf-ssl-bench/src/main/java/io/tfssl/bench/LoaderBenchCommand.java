package io.tfssl.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfssl.augment.ViewPolicy;
import io.tfssl.cli.UsageException;
import io.tfssl.data.Datasets;
import io.tfssl.data.EncodedImageSource;
import io.tfssl.data.ImageSource;
import io.tfssl.data.Split;
import io.tfssl.train.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tfssl bench loader}: input pipeline throughput beside the training step's rate. */
@Command(
    name = "loader",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Measures images/s of the loader alone (read, decode, shuffle, batch, prefetch) and of the "
          + "loader plus the in-graph augmentation of both views, and beside them the images/s "
          + "the training step consumes (small encoder, SimSiam with the fmnist-small heads, same "
          + "input shape, views and batch).",
      "fashion-mnist reads the IDX files; folder reads --data-dir, or a folder of 96x96 JPEGs "
          + "the benchmark writes to a temporary directory."
    },
    footer = {
      "",
      "Examples:",
      "  tfssl bench loader --dataset fashion-mnist",
      "  tfssl bench loader --dataset folder --images 4096 --json"
    })
public final class LoaderBenchCommand implements Callable<Integer> {
  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "fashion-mnist|folder",
      description = "Which pipeline to measure.")
  String dataset;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "The dataset's folder (folder: " + "default a synthetic one).")
  Path dataDir;

  @Option(
      names = "--batch-size",
      paramLabel = "B",
      defaultValue = "256",
      description = "Images per batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--batches",
      paramLabel = "N",
      defaultValue = "40",
      description = "Timed batches (default: ${DEFAULT-VALUE}).")
  int batches;

  @Option(
      names = "--images",
      paramLabel = "N",
      defaultValue = "4096",
      description = "Size of the synthetic JPEG folder (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(
      names = "--step-steps",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "Timed training steps for the comparison (default: ${DEFAULT-VALUE}; 0 skips it).")
  int stepSteps;

  @Option(names = "--json", description = "Print one JSON line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (batchSize <= 0 || batches <= 0 || images <= 0 || stepSteps < 0) {
      throw new UsageException("--batch-size, --batches and --images must be positive");
    }
    Path synthetic = null;
    ImageSource source;
    List<ViewPolicy> views;
    int viewSize;
    switch (dataset) {
      case "fashion-mnist" -> {
        Path dir = dataDir != null ? dataDir : Datasets.defaultDir(dataset);
        source = Datasets.open(dataset, dir, Split.TRAIN, Datasets.Options.defaults());
        views = List.of(Presets.grayscaleView(false), Presets.grayscaleView(true));
        viewSize = 28;
      }
      case "folder" -> {
        Path dir = dataDir;
        if (dir == null) {
          synthetic = Files.createTempDirectory("tfssl-loader-bench");
          dir = SyntheticImageFolder.write(synthetic, images, 10, 96, 1);
        }
        source = Datasets.open(dataset, dir, Split.TRAIN, new Datasets.Options(96, false));
        views = List.of(ViewPolicy.byolView1(), ViewPolicy.byolView2());
        viewSize = 96;
      }
      default ->
          throw new UsageException(
              "--dataset must be fashion-mnist or folder, got '" + dataset + "'");
    }
    LoaderBench.Rates rates;
    double stepRate = Double.NaN;
    try {
      rates =
          LoaderBench.run(
              source, batchSize, batches, views, Datasets.normalization(dataset), viewSize);
      if (stepSteps > 0) {
        stepRate =
            LoaderBench.stepRate(
                source, batchSize, stepSteps, views, Datasets.normalization(dataset));
      }
    } finally {
      if (source instanceof EncodedImageSource e) {
        e.close();
      }
      if (synthetic != null) {
        try (var walk = Files.walk(synthetic)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataset", dataset);
    m.put("source", source.name());
    m.put("image_shape", source.height() + "x" + source.width() + "x" + source.channels());
    m.put("batch_size", batchSize);
    m.put("batches", batches);
    m.put("loader_images_per_sec", round(rates.loaderImagesPerSec()));
    m.put("loader_augment_images_per_sec", round(rates.loaderAndAugmentImagesPerSec()));
    m.put("step_images_per_sec", round(stepRate));
    m.put("loader_augment_over_step", round(rates.loaderAndAugmentImagesPerSec() / stepRate));
    m.put("cores", Machine.cores());
    m.put("cpu_model", Machine.cpuModel());
    if (json) {
      System.out.println(new ObjectMapper().writeValueAsString(m));
    } else {
      System.out.printf(
          Locale.ROOT,
          "bench loader: %s (%s), batch %d, %d timed batches%n",
          dataset,
          m.get("image_shape"),
          batchSize,
          batches);
      System.out.printf(
          Locale.ROOT, "  loader               %10.0f images/s%n", rates.loaderImagesPerSec());
      System.out.printf(
          Locale.ROOT,
          "  loader + 2 views     %10.0f images/s%n",
          rates.loaderAndAugmentImagesPerSec());
      System.out.printf(
          Locale.ROOT,
          "  training step        %10.0f images/s (small encoder, SimSiam"
              + " fmnist-small heads, same input and views)%n",
          stepRate);
      System.out.printf(
          Locale.ROOT,
          "  pipeline / step      %10.1f x%n",
          rates.loaderAndAugmentImagesPerSec() / stepRate);
    }
    return 0;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
