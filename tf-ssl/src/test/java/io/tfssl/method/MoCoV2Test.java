package io.tfssl.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tfssl.TestGraphs;
import io.tfssl.TinyConfigs;
import io.tfssl.nn.SmallConvNet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** MoCo v2's one-device shuffling BN puts every key back in batch order, and counts FLOPs once. */
class MoCoV2Test {

  @Test
  void shuffledGroupsAreInterleavedAndComeBackInOrder() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      float[][] x = new float[8][1];
      for (int i = 0; i < 8; i++) {
        x[i][0] = i;
      }
      Operand<TFloat32> batch = tf.constant(x);
      Operand<TFloat32> shuffled = MoCoV2.shuffle(tf, batch, 4);
      // Block j of 2 holds samples j and j + 4: each BN group mixes the query blocks.
      assertArrayEquals(new float[] {0, 4, 1, 5, 2, 6, 3, 7}, TestGraphs.fetch(s, shuffled));
      assertArrayEquals(
          new float[] {0, 1, 2, 3, 4, 5, 6, 7},
          TestGraphs.fetch(s, MoCoV2.unshuffle(tf, shuffled, 4)));
    }
  }

  private static long[] flops(int groups) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> v1 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      Placeholder<TFloat32> v2 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      MethodGraph mg =
          new MoCoV2(TinyConfigs.mocov2().withShuffleBnGroups(groups))
              .build(MethodInput.of(tf, new SmallConvNet(), List.of(v1, v2), 1));
      return new long[] {mg.trainedFlops(), mg.frozenFlops()};
    }
  }

  @Test
  void groupsDoNotChangeTheFlopCount() {
    long[] one = flops(1);
    assertArrayEquals(one, flops(4));
    // The key encoder runs the same network (without its gradient) on one view.
    assertEquals(one[0], one[1]);
  }
}
