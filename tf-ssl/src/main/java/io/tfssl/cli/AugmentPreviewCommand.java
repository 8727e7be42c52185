package io.tfssl.cli;

import io.tfssl.augment.AugmentPreview;
import io.tfssl.augment.ViewPolicy;
import io.tfssl.data.ImageSource;
import io.tfssl.train.Presets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tfssl augment-preview}: a PNG of originals and their two augmented views. */
@Command(
    name = "augment-preview",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a PNG grid: each row an original image and its two views, made by the "
          + "same in-graph augmentation the trainer runs (before normalization)."
    },
    footer = {
      "",
      "Example:",
      "  tfssl augment-preview --dataset fashion-mnist --policy fmnist-small --out views.png"
    })
public final class AugmentPreviewCommand implements Callable<Integer> {
  static final List<String> POLICIES = List.of("fmnist-small", "byol", "simsiam", "simclr", "none");

  @Mixin DataOptions data;

  @Option(
      names = "--policy",
      paramLabel = "NAME",
      defaultValue = "byol",
      description =
          "View policies: fmnist-small, byol (view1/view2), simsiam, simclr, none "
              + "(default: ${DEFAULT-VALUE}).")
  String policy;

  @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "Output PNG.")
  Path out;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "8",
      description = "Images (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description = "Augmentation seed.")
  long seed;

  @Option(
      names = "--scale",
      paramLabel = "K",
      defaultValue = "0",
      description = "Draw each pixel K×K (default: enough for ~128 px per cell).")
  int scale;

  @Override
  public Integer call() {
    if (rows <= 0) {
      throw new UsageException("--rows must be positive, got " + rows);
    }
    CliChecks.nonNegative("--scale", scale);
    CliChecks.writableFile("--out", out);
    ViewPolicy[] views =
        switch (policy) {
          case "fmnist-small" ->
              new ViewPolicy[] {Presets.grayscaleView(false), Presets.grayscaleView(true)};
          case "byol" -> new ViewPolicy[] {ViewPolicy.byolView1(), ViewPolicy.byolView2()};
          case "simsiam" -> new ViewPolicy[] {ViewPolicy.simsiam(), ViewPolicy.simsiam()};
          case "simclr" -> new ViewPolicy[] {ViewPolicy.simclr(), ViewPolicy.simclr()};
          case "none" -> new ViewPolicy[] {ViewPolicy.none(), ViewPolicy.none()};
          default ->
              throw new UsageException(
                  "unknown policy '" + policy + "' (expected one of " + POLICIES + ")");
        };
    ImageSource source = data.open();
    int size = data.imageSize > 0 ? data.imageSize : source.height();
    int k = scale > 0 ? scale : Math.max(1, 128 / size);
    AugmentPreview.write(source, views[0], views[1], rows, size, seed, k, out);
    System.out.println("wrote " + out);
    return 0;
  }
}
