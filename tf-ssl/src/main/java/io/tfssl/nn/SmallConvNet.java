package io.tfssl.nn;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The {@code small} encoder, sized for 28×28 images on a CPU: conv3×3 32 → conv3×3 stride 2 64 →
 * conv3×3 s2 128 → conv3×3 s2 256, each followed by BN and ReLU, then global average pooling to a
 * 256-d representation.
 */
public final class SmallConvNet implements Encoder {
  private static final int[] WIDTHS = {32, 64, 128, 256};
  private static final int[] STRIDES = {1, 2, 2, 2};

  @Override
  public String name() {
    return "small";
  }

  @Override
  public int outputDim() {
    return WIDTHS[WIDTHS.length - 1];
  }

  @Override
  public Operand<TFloat32> apply(Net net, Operand<TFloat32> images) {
    Operand<TFloat32> h = images;
    for (int i = 0; i < WIDTHS.length; i++) {
      Net layer = net.child("conv" + (i + 1));
      h = Conv2d.apply(layer, h, WIDTHS[i], 3, STRIDES[i]);
      h = BatchNorm.apply(layer.child("bn"), h, true);
      h = layer.tf().nn.relu(h);
    }
    return GlobalAveragePool.apply(net.tf(), h);
  }
}
