package io.tfssl.distributed;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * Many tensors of one type as one flat vector and back, so that one collective moves them all. The
 * shapes must be static.
 */
final class FlatBuffer {
  private FlatBuffer() {}

  static <T extends TType> Operand<T> pack(Ops tf, List<Operand<T>> tensors) {
    List<Operand<T>> flat = new ArrayList<>();
    for (Operand<T> t : tensors) {
      flat.add(tf.reshape(t, tf.constant(new int[] {-1})));
    }
    // ConcatV2 wants at least two inputs.
    return flat.size() == 1 ? flat.get(0) : tf.concat(flat, tf.constant(0));
  }

  /**
   * Cuts {@code buffer} into tensors of {@code shapes}, in order. Sizes and shapes are int32
   * constants: on a GPU those stay in host memory, where SplitV and Reshape read them (int64 ones
   * would be copied to the host every step).
   */
  static <T extends TType> List<Operand<T>> unpack(Ops tf, Operand<T> buffer, List<Shape> shapes) {
    int[] sizes = new int[shapes.size()];
    for (int i = 0; i < sizes.length; i++) {
      if (shapes.get(i).hasUnknownDimension()) {
        throw new IllegalStateException("tensor " + i + " has no static shape: " + shapes.get(i));
      }
      sizes[i] = Math.toIntExact(shapes.get(i).size());
    }
    List<Operand<T>> parts = new ArrayList<>();
    if (sizes.length == 1) {
      parts.add(buffer);
    } else {
      tf.splitV(buffer, tf.constant(sizes), tf.constant(0), (long) sizes.length)
          .output()
          .forEach(parts::add);
    }
    List<Operand<T>> out = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      int[] dims =
          java.util.Arrays.stream(shapes.get(i).asArray()).mapToInt(Math::toIntExact).toArray();
      out.add(tf.reshape(parts.get(i), tf.constant(dims)));
    }
    return out;
  }
}
