package io.tfssl.data;

/**
 * Which part of a data set with a fixed train/test division to load.
 *
 * <p>A top-level type rather than one nested in each source, so that IDX, CIFAR and STL-10 loaders
 * share one vocabulary.
 */
public enum Split {
  /** The training part (for MNIST-like data, the {@code train-*} files). */
  TRAIN,
  /** The held-out test part (for MNIST-like data, the {@code t10k-*} files). */
  TEST
}
