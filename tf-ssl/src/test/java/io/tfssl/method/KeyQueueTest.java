package io.tfssl.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tfssl.TestGraphs;
import io.tfssl.TinyConfigs;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.StepSpec;
import io.tfssl.train.TrainingGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * MoCo's queue holds exactly the last K keys enqueued, oldest first (row 0) and in batch order
 * within a batch, after any number of steps ({@link KeyQueue}).
 */
class KeyQueueTest {

  /** The expected queue: the last {@code k} rows of [queue; keys] ({@code dim} floats a row). */
  private static float[] lastRows(float[] queue, float[] keys, int k, int dim) {
    float[] all = new float[queue.length + keys.length];
    System.arraycopy(queue, 0, all, 0, queue.length);
    System.arraycopy(keys, 0, all, queue.length, keys.length);
    return Arrays.copyOfRange(all, all.length - k * dim, all.length);
  }

  @Test
  void enqueueKeepsTheLastKKeysInOrderForAnyBatchSize() {
    int k = 3;
    int dim = 2;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      KeyQueue queue = KeyQueue.create(tf.withSubScope("q"), k, dim, 5);
      Placeholder<TFloat32> keys =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, dim)));
      Op enqueue = queue.enqueue(tf, keys);
      try (Session s = new Session(g)) {
        float[] expected = TestGraphs.fetch(s, queue.variable());
        for (int i = 0; i < expected.length / dim; i++) {
          double norm = Math.hypot(expected[dim * i], expected[dim * i + 1]);
          assertEquals(1.0, norm, 1e-5, "the initial keys are unit vectors");
        }
        // Batches of 2, 2, 1 (fewer than K) and then 5 (more than K): the general case.
        int[] batches = {2, 2, 1, 5};
        float next = 1;
        for (int n : batches) {
          float[] batch = new float[n * dim];
          for (int j = 0; j < batch.length; j++) {
            batch[j] = next++;
          }
          try (TFloat32 t =
              TFloat32.tensorOf(
                  Shape.of(n, dim),
                  org.tensorflow.ndarray.buffer.DataBuffers.of(batch, true, false))) {
            s.runner().feed(keys, t).addTarget(enqueue).run().close();
          }
          expected = lastRows(expected, batch, k, dim);
          assertArrayEquals(
              expected, TestGraphs.fetch(s, queue.variable()), "after a batch of " + n);
        }
        // The last batch held keys 11..20; the queue is its last three rows, oldest first.
        assertArrayEquals(new float[] {15, 16, 17, 18, 19, 20}, expected);
      }
    }
  }

  @Test
  void afterKTrainingStepsTheQueueHoldsTheLastKeysInOrder() {
    // Batch 16, K = 40: after 1 step the queue is 24 initial random keys then the 16 keys of
    // step 1; after 4 steps it is the last 8 keys of step 2, then steps 3 and 4.
    PretrainConfig c = TinyConfigs.pretrain("mocov2", 4);
    int k = c.mocov2().queueSize();
    int dim = c.mocov2().projectorDims().get(c.mocov2().projectorDims().size() - 1);
    try (Graph g = new Graph()) {
      TrainingGraph step =
          new TrainingGraph(g, StepSpec.builder().config(c, 4, 100).imageShape(28, 28, 1).build());
      Operand<TFloat32> batchKeys = g.<TFloat32>operation(MoCoV2.BATCH_KEYS).output(0);
      Operand<TFloat32> queue = g.<TFloat32>operation(MoCoV2.QUEUE).output(0);
      try (Session s = new Session(g)) {
        s.initialize();
        float[] expected = TestGraphs.fetch(s, queue);
        assertEquals(k * dim, expected.length);
        List<float[]> allKeys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          float[] keys;
          try (TUint8 images = TestGraphs.randomImages(16, 28, 28, 1, i);
              Result r =
                  s.runner()
                      .feed(step.images(), images)
                      .addTarget(step.trainStep())
                      .fetch(batchKeys)
                      .run()) {
            keys = TestGraphs.flat((TFloat32) r.get(0));
          }
          assertEquals(16 * dim, keys.length);
          allKeys.add(keys);
          expected = lastRows(expected, keys, k, dim);
          assertArrayEquals(expected, TestGraphs.fetch(s, queue), "queue after step " + (i + 1));
        }
        // Independently of the step-by-step recursion: rows 0..7 are keys 8..15 of step 2,
        // rows 8..23 step 3, rows 24..39 step 4.
        float[] actual = TestGraphs.fetch(s, queue);
        assertArrayEquals(
            Arrays.copyOfRange(allKeys.get(1), 8 * dim, 16 * dim),
            Arrays.copyOfRange(actual, 0, 8 * dim));
        assertArrayEquals(allKeys.get(2), Arrays.copyOfRange(actual, 8 * dim, 24 * dim));
        assertArrayEquals(allKeys.get(3), Arrays.copyOfRange(actual, 24 * dim, 40 * dim));
      }
    }
  }
}
