package io.tfssl.bench;

import io.tfssl.augment.Augmenter;
import io.tfssl.augment.ViewPolicy;
import io.tfssl.data.Batch;
import io.tfssl.data.BatchIterator;
import io.tfssl.data.Dataset;
import io.tfssl.data.ImageSource;
import io.tfssl.data.Normalization;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * Throughput of the input pipeline: the loader alone (read, decode, shuffle, batch, prefetch), and
 * the loader followed by the in-graph augmentation of both views, as the trainer runs it.
 */
public final class LoaderBench {
  private LoaderBench() {}

  /**
   * Images per second the training step consumes on this input: SimSiam with the {@code
   * fmnist-small} preset's heads and the {@code small} encoder, at the source's image shape and
   * with the same views, on one fixed batch of random bytes (median of {@code steps}).
   */
  public static double stepRate(
      ImageSource source, int batchSize, int steps, List<ViewPolicy> views, Normalization norm) {
    io.tfssl.train.PretrainConfig c = io.tfssl.train.Presets.get("fmnist-small", "simsiam");
    long[] shape = {source.height(), source.width(), source.channels()};
    try (Graph g = new Graph()) {
      io.tfssl.train.TrainingGraph t =
          new io.tfssl.train.TrainingGraph(
              g,
              io.tfssl.train.StepSpec.builder()
                  .method(io.tfssl.train.Components.method(c))
                  .encoder(io.tfssl.train.Components.encoder(c, (int) shape[0]))
                  .imageShape(shape)
                  .normalization(norm)
                  .policies(views)
                  .seed(0)
                  .optimizer(io.tfssl.train.Components.optimizer(c))
                  .lrSchedule(new io.tfssl.optim.ConstantLr(0.01))
                  .fixedLr(0.01)
                  .tauSchedule(io.tfssl.optim.TauSchedule.constant(1))
                  .build());
      byte[] bytes = new byte[batchSize * source.imageBytes()];
      new java.util.Random(1).nextBytes(bytes);
      org.apache.commons.math3.stat.descriptive.DescriptiveStatistics ms =
          new org.apache.commons.math3.stat.descriptive.DescriptiveStatistics();
      try (Session s = new Session(g, io.tfssl.compute.SessionConfigs.training(0));
          TUint8 images =
              TUint8.tensorOf(
                  Shape.of(batchSize, shape[0], shape[1], shape[2]),
                  org.tensorflow.ndarray.buffer.DataBuffers.of(bytes, true, false))) {
        s.initialize();
        for (int i = 0; i < steps + 2; i++) {
          long t0 = System.nanoTime();
          try (Result r = s.runner().feed(t.images(), images).addTarget(t.trainStep()).run()) {
            if (i >= 2) {
              ms.addValue((System.nanoTime() - t0) / 1e6);
            }
          }
        }
      }
      return batchSize / (ms.getPercentile(50) / 1000);
    }
  }

  /** Images per second of the two measurements. */
  public record Rates(double loaderImagesPerSec, double loaderAndAugmentImagesPerSec) {}

  public static Rates run(
      ImageSource source,
      int batchSize,
      int batches,
      List<ViewPolicy> views,
      Normalization norm,
      int viewSize) {
    Dataset dataset = Dataset.from(source).shuffle(1).batch(batchSize, true).repeat().prefetch(4);
    // Loader alone: warm-up batch, then timed batches.
    double loader;
    try (BatchIterator it = dataset.iterator(0)) {
      it.next().close();
      long t0 = System.nanoTime();
      for (int i = 0; i < batches; i++) {
        try (Batch b = it.next()) {
          b.images();
        }
      }
      loader = (double) batches * batchSize / ((System.nanoTime() - t0) / 1e9);
    }
    double withAugment;
    try (Graph g = new Graph();
        Session s = new Session(g);
        BatchIterator it = dataset.iterator(0)) {
      Ops tf = Ops.create(g);
      Placeholder<TUint8> x =
          tf.placeholder(
              TUint8.class,
              Placeholder.shape(Shape.of(-1, source.height(), source.width(), source.channels())));
      Placeholder<org.tensorflow.types.TInt64> step =
          tf.placeholder(org.tensorflow.types.TInt64.class, Placeholder.shape(Shape.scalar()));
      Operand<TFloat32>[] out = new Operand[views.size()];
      for (int v = 0; v < views.size(); v++) {
        Operand<org.tensorflow.types.TInt64> seed =
            tf.stack(
                List.of(
                    tf.constant(7L),
                    tf.math.add(
                        tf.math.mul(step, tf.constant((long) views.size())),
                        tf.constant((long) v))));
        // Fetch a scalar per view: the views are computed, but not copied to the JVM.
        out[v] =
            tf.reduceSum(
                Augmenter.view(tf, x, seed, views.get(v), viewSize, viewSize, norm),
                tf.constant(new int[] {0, 1, 2, 3}));
      }
      long t0 = 0;
      for (int i = 0; i <= batches; i++) {
        if (i == 1) {
          t0 = System.nanoTime(); // batch 0 is the warm-up
        }
        try (Batch b = it.next();
            org.tensorflow.types.TInt64 k = org.tensorflow.types.TInt64.scalarOf(i)) {
          Session.Runner r = s.runner().feed(x, b.images()).feed(step, k);
          for (Operand<TFloat32> o : out) {
            r.fetch(o);
          }
          try (Result res = r.run()) {
            // the views' sums are discarded
          }
        }
      }
      withAugment = (double) batches * batchSize / ((System.nanoTime() - t0) / 1e9);
    }
    return new Rates(loader, withAugment);
  }
}
