package io.tfssl.nn;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The backbone f: images [N, H, W, C] (float, normalized) to a representation [N, outputDim]. */
public interface Encoder {

  /**
   * The name used on the command line and in checkpoints' metadata ({@code small}, {@code
   * resnet18}).
   */
  String name();

  /** Width of the representation. */
  int outputDim();

  /** Builds the encoder under {@code net} (its variables live at {@code net.path()}). */
  Operand<TFloat32> apply(Net net, Operand<TFloat32> images);

  /**
   * Forward FLOPs per image (2 per multiply-accumulate of every conv and dense layer; BN, ReLU and
   * pooling are not counted, as is customary), measured by building the encoder once in a scratch
   * graph.
   */
  default long forwardFlops(int height, int width, int channels) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VarStore store = VarStore.trainable(tf, "flops", 0);
      apply(
          Net.of(store, Mode.INFERENCE),
          tf.placeholder(
              TFloat32.class,
              org.tensorflow.op.core.Placeholder.shape(Shape.of(-1, height, width, channels))));
      return store.flops();
    }
  }
}
