package own;

import io.tfssl.nn.BatchNorm;
import io.tfssl.nn.Conv2d;
import io.tfssl.nn.Dense;
import io.tfssl.nn.Encoder;
import io.tfssl.nn.GlobalAveragePool;
import io.tfssl.nn.Net;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * An encoder that exists only in the test sources, as a user's would in their own project: two
 * strided convolutions with BN and ReLU, global pooling and a linear layer to 24 features.
 */
public final class TwoConvEncoder implements Encoder {
  public static final String NAME = "own-two-conv";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int outputDim() {
    return 24;
  }

  @Override
  public Operand<TFloat32> apply(Net net, Operand<TFloat32> images) {
    Operand<TFloat32> h = images;
    int[] widths = {16, 32};
    for (int i = 0; i < widths.length; i++) {
      Net layer = net.child("block" + i);
      h = Conv2d.apply(layer, h, widths[i], 3, 2);
      h = BatchNorm.apply(layer.child("bn"), h, true);
      h = layer.tf().nn.relu(h);
    }
    return Dense.apply(net.child("out"), GlobalAveragePool.apply(net.tf(), h), outputDim(), true);
  }
}
