package io.tfssl.data;

/**
 * Which part of STL-10 to load.
 *
 * <p>Its own type rather than {@link Split} because STL-10 has a third part, the 100000 unlabeled
 * images that are its reason to exist for self-supervised learning, and because the papers pretrain
 * on the union of that part and the labeled training part.
 */
public enum Stl10Split {
  /** The 100000 unlabeled images ({@code unlabeled_X.bin}); every label is -1. */
  UNLABELED,
  /** The 5000 labeled training images ({@code train_X.bin}, {@code train_y.bin}). */
  TRAIN,
  /** The 8000 labeled test images ({@code test_X.bin}, {@code test_y.bin}). */
  TEST,
  /**
   * The 105000 images of {@link #TRAIN} followed by those of {@link #UNLABELED}, the pretraining
   * set of the self-supervised literature: indices below 5000 carry their labels, the rest are
   * labeled -1.
   */
  TRAIN_AND_UNLABELED
}
