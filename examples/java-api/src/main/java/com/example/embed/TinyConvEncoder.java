package com.example.embed;

import io.tfssl.nn.BatchNorm;
import io.tfssl.nn.Conv2d;
import io.tfssl.nn.Dense;
import io.tfssl.nn.Encoder;
import io.tfssl.nn.GlobalAveragePool;
import io.tfssl.nn.Net;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * An encoder architecture of this project, not of tf-ssl: two strided 3x3 convolutions with
 * batch norm and ReLU, global average pooling, a linear layer to 32 features. Layers made
 * through {@link Net} get variables that tf-ssl checkpoints, exports and restores like its own.
 */
public final class TinyConvEncoder implements Encoder {
  /** The name runs and exports record; register the factory under it before using it. */
  public static final String NAME = "example-tiny-conv";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int outputDim() {
    return 32;
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
