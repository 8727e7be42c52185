package io.tfssl.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A 2-D convolution in NHWC with "SAME" padding and no bias (every conv here is followed by BN).
 */
public final class Conv2d {
  private Conv2d() {}

  public static Operand<TFloat32> apply(
      Net net, Operand<TFloat32> x, long outChannels, int kernel, int stride) {
    Shape in = x.shape();
    long inChannels = in.get(3);
    Variable<TFloat32> w =
        net.store()
            .variable(
                net.path(),
                "w",
                ParamKind.WEIGHT,
                Initializer.heNormalFanOut(),
                kernel,
                kernel,
                inChannels,
                outChannels);
    Ops tf = net.tf();
    // Read through identity: some gradients of ops fed straight from a VariableV2 crash the
    // C API's gradient builder (docs/tensorflow-java.md §1, trap A).
    Operand<TFloat32> y =
        tf.nn.conv2d(x, tf.identity(w), List.of(1L, (long) stride, (long) stride, 1L), "SAME");
    if (in.get(1) > 0 && in.get(2) > 0) {
      long outH = (in.get(1) + stride - 1) / stride;
      long outW = (in.get(2) + stride - 1) / stride;
      net.store().addFlops(2L * kernel * kernel * inChannels * outChannels * outH * outW);
    }
    return y;
  }
}
