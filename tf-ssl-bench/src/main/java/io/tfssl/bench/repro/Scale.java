package io.tfssl.bench.repro;

/**
 * How big the reproduction runs are. The papers train ResNet-50 for 100-800 ImageNet epochs; the
 * {@link #cpu} scale trains the {@code small} encoder for a fraction of a Fashion-MNIST epoch so
 * that every table finishes on two CPU cores in tens of minutes. It reproduces the direction of
 * each ablation and the collapse / no-collapse outcome, not the papers' absolute numbers.
 *
 * @param name "quick" or "cpu"
 * @param steps optimizer steps per run at {@link #batchSize}
 * @param batchSize images per step (the batch-size table varies it at an equal image budget)
 * @param seeds seeds per row in tables whose differences are small
 * @param knnBank training images in the kNN bank (queries: a fifth as many test images)
 * @param curvePoints kNN evaluations spread over a run in tables that plot curves (the last one is
 *     the row's value; other tables evaluate once, at the end)
 */
public record Scale(
    String name, long steps, int batchSize, int seeds, int knnBank, int curvePoints) {

  public Scale {
    if (steps < 1 || batchSize < 2 || seeds < 1 || knnBank < 10 || curvePoints < 1) {
      throw new IllegalArgumentException(
          "bad scale: steps "
              + steps
              + ", batch "
              + batchSize
              + ", seeds "
              + seeds
              + ", kNN bank "
              + knnBank
              + ", curve points "
              + curvePoints);
    }
  }

  /** Smoke scale for CI: every row trains 2 steps of batch 16; numbers are meaningless. */
  public static Scale quick() {
    return new Scale("quick", 2, 16, 1, 50, 1);
  }

  /** The scale the committed tables were measured at: 150 steps of 128 images (19,200 images). */
  public static Scale cpu() {
    return new Scale("cpu", 150, 128, 3, 2000, 5);
  }

  /** Images one run sees, the budget the batch-size table keeps equal. */
  public long images() {
    return steps * batchSize;
  }

  public Scale withSeeds(int n) {
    return new Scale(name, steps, batchSize, n, knnBank, curvePoints);
  }

  public Scale withSteps(long n) {
    return new Scale(name, n, batchSize, seeds, knnBank, curvePoints);
  }

  public Scale withBatchSize(int n) {
    return new Scale(name, steps, n, seeds, knnBank, curvePoints);
  }
}
