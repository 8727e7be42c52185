package io.tfssl.method;

import java.util.List;

/** Checks on the layer widths of projection and prediction heads. */
final class HeadWidths {
  private HeadWidths() {}

  static void check(String head, List<Integer> dims) {
    if (dims.isEmpty()) {
      throw new IllegalArgumentException("the " + head + " needs at least one layer");
    }
    for (int d : dims) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "the " + head + "'s widths must be positive, got " + dims);
      }
    }
  }

  static void checkSameOutput(List<Integer> projector, List<Integer> predictor) {
    int z = projector.get(projector.size() - 1);
    int out = predictor.get(predictor.size() - 1);
    if (out != z) {
      throw new IllegalArgumentException(
          "the predictor's output width (" + out + ") must equal the projector's (" + z + ")");
    }
  }
}
