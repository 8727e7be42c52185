package io.tfssl.bench;

import io.tfssl.compute.ComputeSetup;
import io.tfssl.compute.Placement;
import io.tfssl.train.Components;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Replication;
import io.tfssl.train.StepSpec;
import io.tfssl.train.TrainingGraph;
import java.util.Random;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * Times one full training step, {@link TrainingGraph#trainStep()}: both views, forward, backward,
 * optimizer update, BN statistics, BYOL's target EMA and the global-step increment.
 *
 * <p>The input is one fixed batch of random bytes, created once, fed every step and closed at the
 * end, so the JVM does no data work inside the timed region. Each step is timed with {@link
 * System#nanoTime()} around {@code Session.Runner.run()} alone; {@code warmup} steps run first and
 * are not counted, and the median of the timed steps is the result.
 *
 * <p>The session is the trainer's ({@link ComputeSetup}: device, precision), and the first warm-up
 * step returns the graphs TF ran, so the result says where the convolutions ran and how many
 * conv/matmul ops computed in 16 bits ({@link Placement}); a request TF did not honour fails as it
 * does in training.
 */
public final class StepBench {
  private StepBench() {}

  /** Builds the graph {@code spec} describes and times its training step. */
  public static StepBenchResult run(StepBenchSpec spec) {
    return run(spec, false);
  }

  /**
   * As {@link #run(StepBenchSpec)}; with {@code profile}, one more step runs after the timed ones
   * with full tracing (not counted in the timings) and its {@link StepProfile} is returned too.
   */
  public static StepBenchResult run(StepBenchSpec spec, boolean profile) {
    PretrainConfig config = spec.config();
    long[] shape = spec.imageShape();
    int h = (int) shape[0];
    int w = (int) shape[1];
    int c = (int) shape[2];
    long encoderFlops = Components.encoder(config, h).forwardFlops(h, w, c);
    long total = spec.totalSteps();
    ComputeSetup compute =
        ComputeSetup.resolve(
            config.device(),
            config.precision(),
            io.tfssl.compute.SessionConfigs.training(spec.threads()));
    System.err.println(compute.describe());

    try (Graph graph = new Graph()) {
      TrainingGraph step = trainingGraph(graph, spec);
      long stepFlops = step.methodGraph().stepFlops();

      DescriptiveStatistics ms = new DescriptiveStatistics();
      double lastLoss = Double.NaN;
      StepProfile stepProfile = null;
      Placement placement = null;
      try (Session session = new Session(graph, compute.sessionConfig());
          TUint8 images = syntheticBatch(spec.batchSize(), shape, spec.seed())) {
        session.initialize();
        for (long s = 0; s < total; s++) {
          Session.Runner runner =
              session
                  .runner()
                  .feed(step.images(), images)
                  .addTarget(step.trainStep())
                  .fetch(step.loss());
          boolean first = s == 0;
          if (first) {
            runner.setOptions(Placement.RUN_OPTIONS);
          }
          long t0 = System.nanoTime();
          try (Result r = first ? runner.runAndFetchMetadata() : runner.run()) {
            long t1 = System.nanoTime();
            if (first) {
              placement = Placement.of(r.getMetadata().orElseThrow(), compute.precision());
              placement.check(compute);
            }
            if (s >= spec.warmup()) {
              ms.addValue((t1 - t0) / 1e6);
            }
            lastLoss = ((TFloat32) r.get(0)).getFloat();
          }
        }
        if (profile) {
          stepProfile = traced(session, step, images);
        }
      }
      return new StepBenchResult(
          spec,
          ms.getPercentile(50),
          ms.getMin(),
          ms.getMax(),
          stepFlops,
          encoderFlops,
          Machine.peakRssMb().orElse(Double.NaN),
          lastLoss,
          TensorFlow.version(),
          Machine.cpuModel(),
          Machine.cores(),
          Machine.oneDnnOpts(),
          stepProfile,
          compute.trainingDevice(),
          placement);
    }
  }

  /** Builds the training step {@code spec} describes into the empty {@code graph}. */
  static TrainingGraph trainingGraph(Graph graph, StepBenchSpec spec) {
    return trainingGraph(graph, spec, Replication.LOCAL);
  }

  /** As above, as {@code replication} builds it (towers). */
  static TrainingGraph trainingGraph(Graph graph, StepBenchSpec spec, Replication replication) {
    PretrainConfig config = spec.config();
    long[] shape = spec.imageShape();
    int h = (int) shape[0];
    long total = spec.totalSteps();
    // The components named rather than derived from the config: Components.normalization only
    // knows the 1-channel datasets, the ResNet input here has 3 channels. One "epoch" = the whole
    // run, and the learning rate is a single replica's.
    return new TrainingGraph(
        graph,
        StepSpec.builder()
            .config(config, total, total)
            .imageShape(shape)
            .viewSize(h)
            .encoder(Components.encoder(config, h))
            .normalization(spec.normalization(config))
            .lrSchedule(Components.lrSchedule(config, total, total))
            .fixedLr(config.peakLr())
            .probeClasses(0)
            .replication(replication)
            .build());
  }

  private static StepProfile traced(Session session, TrainingGraph step, TUint8 images) {
    RunOptions options =
        RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
    long t0 = System.nanoTime();
    try (Result r =
        session
            .runner()
            .feed(step.images(), images)
            .addTarget(step.trainStep())
            .fetch(step.loss())
            .setOptions(options)
            .runAndFetchMetadata()) {
      long wallMicros = (System.nanoTime() - t0) / 1000;
      RunMetadata metadata =
          r.getMetadata()
              .orElseThrow(() -> new IllegalStateException("TensorFlow returned no run metadata"));
      return StepProfile.of(metadata, wallMicros);
    }
  }

  /** {@code n} images of uniformly random bytes, [n, H, W, C]. The caller closes it. */
  static TUint8 syntheticBatch(int n, long[] hwc, long seed) {
    long bytes = n * hwc[0] * hwc[1] * hwc[2];
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "batch of " + n + " images is too large (" + bytes + " bytes)");
    }
    byte[] data = new byte[(int) bytes];
    new Random(seed).nextBytes(data);
    return TUint8.tensorOf(Shape.of(n, hwc[0], hwc[1], hwc[2]), DataBuffers.of(data, true, false));
  }
}
