package io.tfssl.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * ResNet-18/34/50 (He et al. 2016), NHWC.
 *
 * <p>Two stems: the ImageNet stem (7×7 conv stride 2, 3×3 max-pool stride 2) for large images, and
 * the CIFAR stem (3×3 conv stride 1, no max-pool) that SimSiam's CIFAR experiments use (Chen and He
 * 2021, §A) so that 32×32 inputs are not shrunk to 8×8 before the first block.
 *
 * <p>{@code zeroInitResidual} starts the last BN of every residual branch at gamma = 0, so each
 * block begins as the identity (Goyal et al. 2017); torchvision exposes the same switch.
 */
public final class ResNet implements Encoder {
  /** Basic blocks (two 3×3 convs) or bottleneck blocks (1×1, 3×3, 1×1 with 4× expansion). */
  public enum Block {
    BASIC,
    BOTTLENECK
  }

  /** The input stem. */
  public enum Stem {
    CIFAR,
    IMAGENET
  }

  private final String name;
  private final Block block;
  private final List<Integer> blocksPerStage;
  private final Stem stem;
  private final boolean zeroInitResidual;

  public ResNet(
      String name, Block block, List<Integer> blocksPerStage, Stem stem, boolean zeroInitResidual) {
    this.name = name;
    this.block = block;
    this.blocksPerStage = List.copyOf(blocksPerStage);
    this.stem = stem;
    this.zeroInitResidual = zeroInitResidual;
  }

  public static ResNet resnet18(Stem stem, boolean zeroInitResidual) {
    return new ResNet("resnet18", Block.BASIC, List.of(2, 2, 2, 2), stem, zeroInitResidual);
  }

  public static ResNet resnet34(Stem stem, boolean zeroInitResidual) {
    return new ResNet("resnet34", Block.BASIC, List.of(3, 4, 6, 3), stem, zeroInitResidual);
  }

  public static ResNet resnet50(Stem stem, boolean zeroInitResidual) {
    return new ResNet("resnet50", Block.BOTTLENECK, List.of(3, 4, 6, 3), stem, zeroInitResidual);
  }

  @Override
  public String name() {
    return name;
  }

  public Stem stem() {
    return stem;
  }

  @Override
  public int outputDim() {
    return 512 * (block == Block.BOTTLENECK ? 4 : 1);
  }

  @Override
  public Operand<TFloat32> apply(Net net, Operand<TFloat32> images) {
    Net stemNet = net.child("stem");
    Operand<TFloat32> h;
    if (stem == Stem.CIFAR) {
      h = Conv2d.apply(stemNet, images, 64, 3, 1);
    } else {
      h = Conv2d.apply(stemNet, images, 64, 7, 2);
    }
    h = stemNet.tf().nn.relu(BatchNorm.apply(stemNet.child("bn"), h, true));
    if (stem == Stem.IMAGENET) {
      Ops tf = stemNet.tf();
      h =
          tf.nn.maxPool(
              h, tf.constant(new int[] {1, 3, 3, 1}), tf.constant(new int[] {1, 2, 2, 1}), "SAME");
    }
    long inChannels = 64;
    for (int stage = 0; stage < blocksPerStage.size(); stage++) {
      long width = 64L << stage;
      for (int b = 0; b < blocksPerStage.get(stage); b++) {
        int stride = (stage > 0 && b == 0) ? 2 : 1;
        Net blockNet = net.child("layer" + (stage + 1)).child(Integer.toString(b));
        h =
            block == Block.BASIC
                ? basic(blockNet, h, inChannels, width, stride)
                : bottleneck(blockNet, h, inChannels, width, stride);
        inChannels = width * (block == Block.BOTTLENECK ? 4 : 1);
      }
    }
    return GlobalAveragePool.apply(net.tf(), h);
  }

  private Initializer lastGamma() {
    return Initializer.constant(zeroInitResidual ? 0f : 1f);
  }

  private Operand<TFloat32> basic(Net net, Operand<TFloat32> x, long in, long width, int stride) {
    Ops tf = net.tf();
    Operand<TFloat32> h = Conv2d.apply(net.child("conv1"), x, width, 3, stride);
    h = tf.nn.relu(BatchNorm.apply(net.child("bn1"), h, true));
    h = Conv2d.apply(net.child("conv2"), h, width, 3, 1);
    h = BatchNorm.apply(net.child("bn2"), h, true, lastGamma());
    return tf.nn.relu(tf.math.add(h, shortcut(net, x, in, width, stride)));
  }

  private Operand<TFloat32> bottleneck(
      Net net, Operand<TFloat32> x, long in, long width, int stride) {
    Ops tf = net.tf();
    long out = width * 4;
    Operand<TFloat32> h = Conv2d.apply(net.child("conv1"), x, width, 1, 1);
    h = tf.nn.relu(BatchNorm.apply(net.child("bn1"), h, true));
    // torchvision's ResNet v1.5: the stride sits on the 3×3 conv.
    h = Conv2d.apply(net.child("conv2"), h, width, 3, stride);
    h = tf.nn.relu(BatchNorm.apply(net.child("bn2"), h, true));
    h = Conv2d.apply(net.child("conv3"), h, out, 1, 1);
    h = BatchNorm.apply(net.child("bn3"), h, true, lastGamma());
    return tf.nn.relu(tf.math.add(h, shortcut(net, x, in, out, stride)));
  }

  private static Operand<TFloat32> shortcut(
      Net net, Operand<TFloat32> x, long in, long out, int stride) {
    if (stride == 1 && in == out) {
      return x;
    }
    Net down = net.child("downsample");
    return BatchNorm.apply(down.child("bn"), Conv2d.apply(down, x, out, 1, stride), true);
  }
}
