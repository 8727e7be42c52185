package io.tfssl.method;

/** Argument checks shared by the method configs. */
final class Checks {
  private Checks() {}

  static void positive(String what, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(what + " must be positive, got " + value);
    }
  }

  static void atLeast(String what, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
    }
  }
}
