package io.tfssl.nn;

import io.tfssl.train.Trainer;

/** A class in nn that uses train: LayersTest checks that its rule reports this. */
public final class UpwardImportFixture {
  private UpwardImportFixture() {}

  /** The upward dependency. */
  public static Class<?> up() {
    return Trainer.class;
  }
}
