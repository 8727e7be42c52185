package io.tfssl.cli;

import io.tfssl.train.PretrainConfig;
import picocli.CommandLine.Option;

/** {@code pretrain}'s run length and batches: epochs or steps, images per step, the seed. */
final class TrainingOptions {
  @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set.")
  Integer epochs;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Optimizer steps (wins over --epochs).")
  Long steps;

  @Option(names = "--batch-size", paramLabel = "B", description = "Images per step.")
  Integer batchSize;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed of init, data order and augmentation.")
  Long seed;

  /** Applies every given value to {@code b}. */
  void applyTo(PretrainConfig.Builder b) {
    if (batchSize != null) b.batchSize(batchSize);
    // epochs first: setting epochs clears a step count, and --steps wins over --epochs.
    if (epochs != null) b.epochs(epochs);
    if (steps != null) b.steps(steps);
    if (seed != null) b.seed(seed);
  }
}
