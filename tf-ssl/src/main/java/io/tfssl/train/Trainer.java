package io.tfssl.train;

import io.tfssl.compute.ComputeSetup;
import io.tfssl.compute.Placement;
import io.tfssl.compute.SessionConfigs;
import io.tfssl.data.Batch;
import io.tfssl.data.BatchIterator;
import io.tfssl.data.Dataset;
import io.tfssl.data.Datasets;
import io.tfssl.data.EncodedImageSource;
import io.tfssl.data.ImageSource;
import io.tfssl.data.Sources;
import io.tfssl.features.KnnEval;
import io.tfssl.nn.Encoder;
import io.tfssl.nn.VariableFootprint;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Owns a pretraining run: the graph (built once), the session, the data stream, metrics,
 * checkpoints and progress.
 *
 * <pre>{@code
 * PretrainConfig config = Presets.get("fmnist-small", "simsiam").toBuilder().epochs(1).build();
 * try (Trainer trainer = Trainer.create(config, Path.of("runs/s1"))) {
 *   TrainResult result = trainer.train();
 * }
 * try (Trainer trainer = Trainer.resume(Path.of("runs/s1"))) { trainer.train(); }
 * }</pre>
 */
public final class Trainer implements AutoCloseable {
  private final PretrainConfig config;
  private final RunInput input;
  private final RunFolder run;
  private final Graph graph;
  private final Session session;
  private final TrainingGraph step;
  private final Dataset dataset;
  private final long totalSteps;
  private final long flopsPerImage;
  private final Checkpoints checkpoints;
  private final ComputeSetup compute;
  private final Replication replication;
  private boolean progressBar = System.console() != null;
  private PrintStream log = System.err;
  private KnnMonitor knnOnDemand;
  private int knnOnDemandSize;
  private int knnOnDemandQueries;

  private Trainer(PretrainConfig config, Path runDir, boolean resume, Replication replication) {
    this.config = config;
    this.replication = replication;
    // First, before any data is read: the devices TF sees, and a clear error when the run asks
    // for one it cannot have (--device gpu without a GPU, fp16 on the CPU, ...).
    this.compute =
        ComputeSetup.resolve(
            config.device(),
            config.precision(),
            replication.configure(SessionConfigs.training(config.threads())));
    replication.use(compute);
    log.println(compute.describe());
    this.run = new RunFolder(runDir);
    ImageSource source = Components.pretrainingSource(config);
    Datasets.labelNote(source).ifPresent(log::println);
    this.input = RunInput.of(config, source);
    this.dataset =
        replication.shard(
            Dataset.from(source)
                .shuffle(config.seed())
                .batch(config.batchSize() * replication.towers(), true)
                .repeat()
                .prefetch(2));
    long perEpoch = dataset.batchesPerEpoch();
    this.totalSteps = config.steps() > 0 ? config.steps() : (long) config.epochs() * perEpoch;
    long[] shape = {source.height(), source.width(), source.channels()};
    int viewSize = Components.viewSize(config, shape);
    Encoder encoder = Components.encoder(config, viewSize);
    this.flopsPerImage = encoder.forwardFlops(viewSize, viewSize, source.channels());
    this.checkpoints = run.checkpoints(config.keepCheckpoints());
    this.graph = new Graph();
    Session opened = null;
    try {
      this.step =
          new TrainingGraph(
              graph,
              StepSpec.builder()
                  .config(config, totalSteps, perEpoch)
                  .imageShape(shape)
                  .numClasses(source.numClasses())
                  .imageCount(source.size())
                  .replication(replication)
                  .build());
      if (replication.isChief()) {
        DiskSpace.check(
            checkpoints.dir(),
            VariableFootprint.of(graph).bytes(),
            config.keepCheckpoints(),
            checkpoints.bytesOnDisk());
      }
      opened = replication.openSession(graph, compute.sessionConfig());
      if (resume && replication.isChief()) {
        checkpoints.restoreLatest(opened, log::println);
      } else {
        opened.initialize();
      }
      replication.startFromChief(opened);
    } catch (RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      graph.close();
      closeSource();
      throw e;
    }
    this.session = opened;
  }

  /**
   * Starts a new run in {@code runDir}. Refuses a folder that already holds a checkpoint, so a
   * finished run is never overwritten by accident: resume it instead.
   */
  public static Trainer create(PretrainConfig config, Path runDir) {
    return create(config, runDir, Replication.LOCAL);
  }

  /** As above, as one replica of data-parallel training (only the chief writes checkpoints). */
  public static Trainer create(PretrainConfig config, Path runDir, Replication replication) {
    RunFolder run = new RunFolder(runDir);
    if (Files.exists(run.checkpointDir().resolve("latest"))) {
      throw new IllegalArgumentException(
          runDir
              + " already holds a run; resume it (--resume) or"
              + " choose another output folder");
    }
    checkWritable(runDir);
    Trainer trainer = new Trainer(config, runDir, false, replication);
    // Records of an attempt killed before its first checkpoint would mix with this run's.
    run.truncateMetricsAfter(0);
    run.writeConfig(config);
    run.writeInput(trainer.input);
    return trainer;
  }

  /** Continues the run in {@code runDir} from its latest checkpoint, with its saved config. */
  public static Trainer resume(Path runDir) {
    return resume(runDir, UnaryOperator.identity());
  }

  /**
   * Continues a run with a changed config, typically a longer run ({@code c ->
   * c.toBuilder().epochs(20).build()}). Changing anything that shapes the graph (method, heads,
   * encoder) makes the restore fail.
   */
  public static Trainer resume(Path runDir, UnaryOperator<PretrainConfig> change) {
    return resume(runDir, change, Replication.LOCAL);
  }

  /**
   * As above, as one replica of data-parallel training: the chief restores its checkpoint and the
   * other replicas start from the chief's state.
   */
  public static Trainer resume(
      Path runDir, UnaryOperator<PretrainConfig> change, Replication replication) {
    RunFolder run = new RunFolder(runDir);
    PretrainConfig config = change.apply(run.readConfig());
    if (replication.isChief() && run.checkpoints(config.keepCheckpoints()).isEmpty()) {
      throw new IllegalArgumentException("no checkpoint to resume from in " + run.checkpointDir());
    }
    Trainer trainer = new Trainer(config, runDir, true, replication);
    run.truncateMetricsAfter(trainer.globalStep());
    run.writeConfig(config);
    run.writeInput(trainer.input);
    return trainer;
  }

  /** Show a progress bar (default: when attached to a terminal) instead of log lines. */
  public Trainer progressBar(boolean enabled) {
    this.progressBar = enabled;
    return this;
  }

  /** Where log lines and warnings go (default standard error). */
  public Trainer log(PrintStream stream) {
    this.log = stream;
    return this;
  }

  public PretrainConfig config() {
    return config;
  }

  /** The dataset, image shape and view size of this run. */
  public RunInput input() {
    return input;
  }

  /** The run folder. */
  public RunFolder runFolder() {
    return run;
  }

  public long totalSteps() {
    return totalSteps;
  }

  /** Forward FLOPs of the encoder for one image. */
  public long encoderFlopsPerImage() {
    return flopsPerImage;
  }

  public Session session() {
    return session;
  }

  public TrainingGraph graph() {
    return step;
  }

  /** The global step stored in the session's variables. */
  public long globalStep() {
    try (Result r = session.runner().fetch(step.globalStep()).run()) {
      return ((TInt64) r.get(0)).getObject();
    }
  }

  /**
   * The kNN monitor's value for the current weights, on demand: the first {@code bankSize} training
   * images are the bank and the first {@code bankSize / 5} test images the queries (SimSiam §4.1's
   * monitor; the same as {@code --knn-monitor N} logs at every epoch's end). The images are read
   * once per bank size and kept.
   */
  public KnnEval.Result knn(int bankSize) {
    return knn(bankSize, Math.max(2, bankSize / 5));
  }

  /**
   * As {@link #knn(int)} with {@code queries} test images as the queries (more than the split has:
   * the whole test split), e.g. the full 10,000 of Fashion-MNIST for a table whose rows must be
   * told apart beyond the sampling error of a few hundred queries.
   */
  public KnnEval.Result knn(int bankSize, int queries) {
    if (knnOnDemand == null || knnOnDemandSize != bankSize || knnOnDemandQueries != queries) {
      knnOnDemand = KnnMonitor.open(config, bankSize, queries);
      knnOnDemandSize = bankSize;
      knnOnDemandQueries = queries;
    }
    return knnOnDemand.evaluate(session, step);
  }

  /** Trains up to the configured number of steps, checkpointing as configured and at the end. */
  public TrainResult train() {
    return trainUntil(totalSteps);
  }

  /** Trains up to global step {@code endStep} (at most the configured total). */
  public TrainResult trainUntil(long endStep) {
    long end = Math.min(endStep, totalSteps);
    long start = globalStep();
    long perEpoch = dataset.batchesPerEpoch();
    StepCadence cadence =
        new StepCadence(config.logEvery(), perEpoch, config.checkpointEvery(), end);
    long dimY = step.rankYDim();
    Path lastCheckpoint = checkpoints.latest().orElse(null);
    long t0 = System.nanoTime();
    MetricsWindow window =
        new MetricsWindow(perEpoch, globalBatch(), dimY, step.rankZDim(), rankBound(dimY), log, t0);
    KnnMonitor knn =
        config.knnMonitor() > 0 && start < end && replication.isChief()
            ? KnnMonitor.open(config, config.knnMonitor())
            : null;
    try (BatchIterator batches = dataset.iterator(start);
        MetricsLog metrics = new MetricsLog(run.metricsFile());
        TensorBoardWriter board = new TensorBoardWriter(run.dir());
        Progress progress = new Progress(progressBar, log, config.method(), start, totalSteps)) {
      if (knn != null && start == 0) {
        // The untrained network's value: the reference every later epoch is read against.
        monitorKnn(knn, 0, perEpoch, metrics, board, progress);
      }
      for (long s = start; s < end; s++) {
        long done = s + 1;
        boolean logNow = cadence.logs(done);
        StepFetches fetched;
        try (Batch batch = batches.next()) {
          fetched = runStep(batch, done, s == start, logNow, lastCheckpoint);
        }
        window.add(fetched);
        if (logNow) {
          Map<String, Object> record = window.close(done, fetched, System.nanoTime());
          metrics.write(record);
          board.scalars(done, boardScalars(record));
          progress.logged(done, record);
        }
        if (knn != null && cadence.endsEpoch(done)) {
          monitorKnn(knn, done, perEpoch, metrics, board, progress);
        }
        progress.stepped(done);
        if (cadence.checkpoints(done) && replication.isChief()) {
          lastCheckpoint = checkpoints.save(session, done);
        }
      }
    }
    reportBadImages();
    double seconds = (System.nanoTime() - t0) / 1e9;
    double ips = end > start ? (end - start) * globalBatch() / seconds : 0;
    return new TrainResult(
        start,
        Math.max(start, end),
        window.firstLoss(),
        window.lastLoss(),
        window.lastCollapse(),
        window.lastRankY(),
        window.lastRankZ(),
        rankBound(dimY),
        lastCheckpoint,
        ips);
  }

  /**
   * Runs step number {@code stepsDone} on {@code batch}: the update, with the probe's labels and
   * the batch's image indices fed when the graph has them, and the monitors fetched in the same run
   * on logged steps. The first step of a call also returns the graphs TF ran: where the
   * convolutions went, and whether the mixed-precision rewrite happened ({@link Placement}).
   */
  private StepFetches runStep(
      Batch batch, long stepsDone, boolean first, boolean logNow, Path lastCheckpoint) {
    OnlineProbe probe = step.probe().orElse(null);
    try (TInt32 labels = probe == null ? null : TInt32.vectorOf(batch.labels());
        TInt32 indices =
            step.imageIndex().isEmpty() ? null : TInt32.vectorOf(batch.sourceIndices())) {
      Session.Runner runner =
          session.runner().feed(step.images(), batch.images()).addTarget(step.trainStep());
      if (probe != null) {
        runner.feed(probe.labels(), labels);
      }
      if (indices != null) {
        runner.feed(step.imageIndex().orElseThrow().indices(), indices);
      }
      if (first) {
        runner.setOptions(Placement.RUN_OPTIONS);
      }
      StepFetches.Request request = StepFetches.request(runner, step, logNow);
      try (Result r = run(runner, first, stepsDone, lastCheckpoint)) {
        if (first) {
          checkPlacement(r);
        }
        StepFetches fetched = request.read(r);
        if (!Double.isFinite(fetched.loss())) {
          // Unreachable while the graph's guard works; kept as the last line of defense.
          throw new NonFiniteLossException(
              stepsDone, "the loss is " + fetched.loss(), lastCheckpoint);
        }
        return fetched;
      }
    }
  }

  /** A record's numbers for TensorBoard: all but the step and the (constant) dimensions. */
  private static Map<String, Number> boardScalars(Map<String, Object> record) {
    Map<String, Number> scalars = new LinkedHashMap<>();
    record.forEach(
        (k, v) -> {
          if (v instanceof Number n && !k.equals("step") && !k.startsWith("dim_")) {
            scalars.put(k, n);
          }
        });
    return scalars;
  }

  /**
   * One step's session run (with the run metadata on the first step); the graph's non-finite check
   * becomes a {@link NonFiniteLossException}, and another failure is explained by the replication
   * (a peer worker that stopped, say).
   */
  private Result run(Session.Runner runner, boolean withMetadata, long step, Path lastCheckpoint) {
    try {
      return withMetadata ? runner.runAndFetchMetadata() : runner.run();
    } catch (RuntimeException e) {
      String what = NonFiniteGuard.what(e);
      if (what != null) {
        throw new NonFiniteLossException(step, what, lastCheckpoint);
      }
      throw replication.explain(e);
    }
  }

  /**
   * The largest effective rank one replica's batch of {@code dim}-dimensional outputs can have: N
   * vectors span at most min(N, d) directions.
   */
  private long rankBound(long dim) {
    return Math.min(config.batchSize(), dim);
  }

  /** Images per step over all replicas. */
  private double globalBatch() {
    return (double) config.batchSize() * replication.replicas();
  }

  private void checkPlacement(Result r) {
    Placement placement =
        Placement.of(
            r.getMetadata()
                .orElseThrow(
                    () -> new IllegalStateException("TensorFlow returned no run metadata")),
            compute.precision());
    log.println(placement.describe());
    placement.check(compute, replication.towers());
  }

  /** The devices and precision this run trains with. */
  public ComputeSetup compute() {
    return compute;
  }

  private void monitorKnn(
      KnnMonitor knn,
      long stepsDone,
      long perEpoch,
      MetricsLog metrics,
      TensorBoardWriter board,
      Progress progress) {
    KnnEval.Result k = knn.evaluate(session, step);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("step", stepsDone);
    record.put("epoch", (double) stepsDone / perEpoch);
    record.put("knn_top1", k.top1());
    record.put("knn_bank", k.bankSize());
    record.put("knn_queries", k.querySize());
    record.put("time", Instant.now().toString());
    metrics.write(record);
    board.scalars(stepsDone, Map.of("knn_top1", k.top1()));
    progress.note(
        String.format(
            "epoch %.2f: kNN top-1 %.2f%% (bank %d, queries %d)",
            (double) stepsDone / perEpoch, 100 * k.top1(), k.bankSize(), k.querySize()));
  }

  /** With --skip-bad-images: how many undecodable images were replaced, and which. */
  private void reportBadImages() {
    if (dataset.source() instanceof EncodedImageSource encoded && encoded.badImageCount() > 0) {
      List<String> bad = encoded.badImages();
      log.printf(
          "skipped %d undecodable image(s) (each replaced by the next good one):%n",
          encoded.badImageCount());
      bad.stream().limit(10).forEach(b -> log.println("  " + b));
      if (bad.size() > 10) {
        log.printf("  ... and %d more%n", bad.size() - 10);
      }
    }
  }

  private static void checkWritable(Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-test", "");
      Files.delete(probe);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
    closeSource();
  }

  /** File-backed sources (STL-10, folders, TFRecords) hold open files and decoder sessions. */
  private void closeSource() {
    try {
      Sources.close(dataset.source());
    } catch (Exception e) {
      log.println("warning: closing " + dataset.source().name() + ": " + e.getMessage());
    }
  }
}
