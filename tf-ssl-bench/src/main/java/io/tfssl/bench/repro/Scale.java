package io.tfssl.bench.repro;

/**
 * How big the reproduction runs are. The papers train ResNet-50 for 100-800 ImageNet epochs; the
 * {@link #cpu} scale trains the {@code small} encoder for a fraction of a Fashion-MNIST epoch so
 * that every table finishes on two CPU cores in tens of minutes. It shows the direction of each
 * ablation at best: with a few hundred kNN queries its standard error is about 2.5 points, and the
 * papers' failures sit a few points from the working rows. The {@link #longScale} scale trains long
 * enough for those failures to separate and measures every row on the full test split.
 *
 * @param name "quick", "cpu" or "long"
 * @param steps optimizer steps per run at {@link #batchSize}
 * @param batchSize images per step (the batch-size table varies it at an equal image budget)
 * @param seeds seeds per row in tables whose differences are small
 * @param knnBank training images in the kNN bank
 * @param knnQueries test images the kNN classifies (0: a fifth of the bank)
 * @param curvePoints kNN evaluations spread over a run in tables that plot curves (the last one is
 *     the row's value; other tables evaluate once, at the end)
 * @param resolving a scale meant to decide between rows: every table runs {@link #seeds} seeds (not
 *     only those whose differences are small), and every row gets linear evaluation and the
 *     export's effective rank, not only in the tables that ask for it
 */
public record Scale(
    String name,
    long steps,
    int batchSize,
    int seeds,
    int knnBank,
    int knnQueries,
    int curvePoints,
    boolean resolving) {

  /** Fashion-MNIST's training split, the unit of the long scale's epochs. */
  static final int FASHION_MNIST_TRAIN = 60_000;

  /** Fashion-MNIST's test split: the long scale's kNN queries. */
  static final int FASHION_MNIST_TEST = 10_000;

  /** Epochs per run at the long scale (README "Long scale" says why this length). */
  static final int LONG_EPOCHS = 5;

  public Scale {
    if (steps < 1
        || batchSize < 2
        || seeds < 1
        || knnBank < 10
        || knnQueries < 0
        || curvePoints < 1) {
      throw new IllegalArgumentException(
          "bad scale: steps "
              + steps
              + ", batch "
              + batchSize
              + ", seeds "
              + seeds
              + ", kNN bank "
              + knnBank
              + ", kNN queries "
              + knnQueries
              + ", curve points "
              + curvePoints);
    }
  }

  /** Smoke scale for CI: every row trains 2 steps of batch 16; numbers are meaningless. */
  public static Scale quick() {
    return new Scale("quick", 2, 16, 1, 50, 0, 1, false);
  }

  /** The scale the committed short tables were measured at: 150 steps of 128 images (19,200). */
  public static Scale cpu() {
    return new Scale("cpu", 150, 128, 3, 2000, 0, 5, false);
  }

  /**
   * Five Fashion-MNIST epochs at batch 256 (1,172 steps, 300,032 images) per run, three seeds per
   * row, kNN with the whole training split as the bank and the whole test split as queries after
   * every epoch, linear evaluation and the export's rank for every row. At this length a SimSiam
   * run without stop-gradient falls below the untrained encoder (the measurement: 62.0% to
   * 47.1% kNN after 5 epochs), which 150 steps cannot show.
   */
  public static Scale longScale() {
    long steps = -Math.floorDiv(-(long) LONG_EPOCHS * FASHION_MNIST_TRAIN, 256);
    return new Scale(
        "long", steps, 256, 3, FASHION_MNIST_TRAIN, FASHION_MNIST_TEST, LONG_EPOCHS, true);
  }

  /** The scale called {@code name} ("quick", "cpu" or "long"). */
  public static Scale named(String name) {
    return switch (name) {
      case "quick" -> quick();
      case "cpu" -> cpu();
      case "long" -> longScale();
      default ->
          throw new IllegalArgumentException(
              "unknown scale '" + name + "' (expected quick, cpu or long)");
    };
  }

  /** Test images the kNN classifies. */
  public int queries() {
    return knnQueries > 0 ? knnQueries : Math.max(2, knnBank / 5);
  }

  /** Images one run sees, the budget the batch-size table keeps equal. */
  public long images() {
    return steps * batchSize;
  }

  public Scale withSeeds(int n) {
    return new Scale(name, steps, batchSize, n, knnBank, knnQueries, curvePoints, resolving);
  }

  public Scale withSteps(long n) {
    return new Scale(name, n, batchSize, seeds, knnBank, knnQueries, curvePoints, resolving);
  }

  public Scale withBatchSize(int n) {
    return new Scale(name, steps, n, seeds, knnBank, knnQueries, curvePoints, resolving);
  }

  public Scale withKnn(int bank, int queries) {
    return new Scale(name, steps, batchSize, seeds, bank, queries, curvePoints, resolving);
  }
}
