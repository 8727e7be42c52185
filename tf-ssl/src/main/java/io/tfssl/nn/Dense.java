package io.tfssl.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** A fully connected layer; the bias is optional because a bias right before BN is redundant. */
public final class Dense {
  private Dense() {}

  public static Operand<TFloat32> apply(Net net, Operand<TFloat32> x, long out, boolean bias) {
    long in = x.shape().get(1);
    Ops tf = net.tf();
    Variable<TFloat32> w =
        net.store()
            .variable(net.path(), "w", ParamKind.WEIGHT, Initializer.uniformFanIn(in), in, out);
    Operand<TFloat32> y = tf.linalg.matMul(x, tf.identity(w));
    net.store().addFlops(2L * in * out);
    if (bias) {
      Variable<TFloat32> b =
          net.store().variable(net.path(), "b", ParamKind.BIAS, Initializer.uniformFanIn(in), out);
      y = tf.nn.biasAdd(y, tf.identity(b));
    }
    return y;
  }
}
