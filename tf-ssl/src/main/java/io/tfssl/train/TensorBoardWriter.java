package io.tfssl.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Writes scalar training metrics (loss, learning rate, tau, collapse std, images/s, ...) as
 * TensorBoard event files ({@code events.out.tfevents.*}) so that {@code tensorboard --logdir runs}
 * can plot them.
 *
 * <p><b>Why TF's own summary ops.</b> The event files are produced by TensorFlow's native {@code
 * CreateSummaryFileWriter} / {@code WriteScalarSummary} / {@code FlushSummaryWriter} / {@code
 * CloseSummaryWriter} kernels, i.e. by the same C++ {@code EventsWriter} that Python's {@code
 * tf.summary} uses. The TFRecord framing, CRC32C masks, the leading {@code file_version} event and
 * the {@code Event}/{@code Summary} encoding are therefore exactly what TensorBoard expects, and
 * this class contains no hand-written protobuf or record encoding.
 *
 * <p><b>Why a separate Graph and Session.</b> The writer lives in its own tiny graph and session,
 * not in the training graph: the training graph (and hence its checkpoints, SavedModel exports and
 * {@code Optimizer} variable scans) stays exactly as the model defines it, and the summary resource
 * cannot end up in a checkpoint. The trainer fetches the scalar values from its own session every k
 * steps and hands plain Java numbers to {@link #scalars(long, Map)}; the cost is one tiny extra
 * {@code Session.run} per call (up to {@value #SLOTS} scalars per run).
 *
 * <p><b>Graph layout (built once in the constructor).</b> One {@code int64} step placeholder, and
 * {@value #SLOTS} "slots", each with a {@code string} tag placeholder, a {@code float} value
 * placeholder and a {@code WriteScalarSummary} op. Slot {@code i} has a control dependency on slot
 * {@code i-1}, so running slot {@code n-1} as the target writes slots {@code 0..n-1} in order in a
 * single run (only the fed slots are executed; the graph is pruned to the target). Maps with more
 * than {@value #SLOTS} entries are written in several runs. No graph is built per call.
 *
 * <p>TF's {@code WriteScalarSummary} kernel records each value as a TF1-style {@code
 * Summary.Value{tag, simple_value}} inside an {@code Event{wall_time, step, summary}}; TensorBoard
 * shows such values under its Scalars tab (it migrates {@code simple_value} to the scalars plugin
 * on load).
 *
 * <p>Values are written as 32-bit floats (the precision of {@code simple_value}). Not thread-safe.
 * Every {@link Tensor} and {@link Result} created here is closed (docs/tensorflow-java.md §10).
 */
public final class TensorBoardWriter implements AutoCloseable {

  /** Number of scalars written per {@code Session.run}. */
  static final int SLOTS = 16;

  /** Python's {@code tf.summary.create_file_writer} defaults to 10 too. */
  private static final int MAX_QUEUE = 10;

  /** Background flush interval of TF's writer; {@link #flush()} forces one at any time. */
  private static final int FLUSH_MILLIS = 10_000;

  private static final AtomicLong INSTANCES = new AtomicLong();

  private final Path logDir;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TInt64> step;
  private final List<Placeholder<TString>> tags = new ArrayList<>(SLOTS);
  private final List<Placeholder<TFloat32>> values = new ArrayList<>(SLOTS);
  private final List<Op> writes = new ArrayList<>(SLOTS);
  private final Op flushOp;
  private final Op closeOp;
  private boolean closed;

  /**
   * Creates {@code logDir} (and parents) if needed and opens a new event file in it.
   *
   * @param logDir the run folder, e.g. {@code runs/byol-001}
   * @throws UncheckedIOException if the directory cannot be created (the message names the path)
   * @throws IllegalStateException if TensorFlow cannot open the event file in it
   */
  public TensorBoardWriter(Path logDir) {
    Objects.requireNonNull(logDir, "logDir");
    this.logDir = logDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.logDir);
    } catch (IOException | SecurityException e) {
      IOException io = e instanceof IOException ? (IOException) e : new IOException(e);
      throw new UncheckedIOException(
          "Cannot create TensorBoard log directory " + this.logDir + ": " + e, io);
    }

    long id = INSTANCES.incrementAndGet();
    graph = new Graph();
    Session s = null;
    try {
      Ops tf = Ops.create(graph);
      // Each TF resource manager is per session, but a unique shared name costs nothing.
      SummaryWriter writer =
          tf.withName("writer")
              .summary
              .summaryWriter(SummaryWriter.sharedName("tfssl_tb_writer_" + id));
      // TF 2.18 names the file events.out.tfevents.<secs>.<host>.<pid>.<counter><suffix>, so two
      // writers in one folder never share a file. ".v2" is what Python's create_file_writer adds.
      String suffix = ".v2";
      Op create =
          tf.withName("create")
              .summary
              .createSummaryFileWriter(
                  writer,
                  tf.constant(this.logDir.toString()),
                  tf.constant(MAX_QUEUE),
                  tf.constant(FLUSH_MILLIS),
                  tf.constant(suffix));

      step = tf.withName("step").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      Op previous = null;
      for (int i = 0; i < SLOTS; i++) {
        Placeholder<TString> tag =
            tf.withName("tag_" + i).placeholder(TString.class, Placeholder.shape(Shape.scalar()));
        Placeholder<TFloat32> value =
            tf.withName("value_" + i)
                .placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        Ops scope = previous == null ? tf : tf.withControlDependencies(previous);
        Op write =
            scope.withName("write_" + i).summary.writeScalarSummary(writer, step, tag, value);
        tags.add(tag);
        values.add(value);
        writes.add(write);
        previous = write;
      }
      flushOp = tf.withName("flush").summary.flushSummaryWriter(writer);
      closeOp = tf.withName("close").summary.closeSummaryWriter(writer);

      // Keep the writer's session off the trainer's cores as much as possible.
      ConfigProto config =
          ConfigProto.newBuilder()
              .setIntraOpParallelismThreads(1)
              .setInterOpParallelismThreads(1)
              .build();
      s = new Session(graph, config);
      try {
        s.run(create);
      } catch (TensorFlowException e) {
        throw new IllegalStateException(
            "Cannot open a TensorBoard event file in " + this.logDir + ": " + e.getMessage(), e);
      }
      session = s;
    } catch (RuntimeException | Error e) {
      if (s != null) {
        s.close();
      }
      graph.close();
      throw e;
    }
  }

  /** The absolute, normalized log directory the event file is written to. */
  public Path logDir() {
    return logDir;
  }

  /**
   * Writes one scalar per map entry at {@code step}, tagged with the entry's key, in the map's
   * iteration order. Values are converted with {@link Number#floatValue()}; NaN and infinities are
   * written as is. An empty map writes nothing.
   *
   * @throws NullPointerException if a key or value is null
   * @throws IllegalStateException if the writer is closed
   */
  public void scalars(long step, Map<String, ? extends Number> scalars) {
    ensureOpen();
    Objects.requireNonNull(scalars, "scalars");
    if (scalars.isEmpty()) {
      return;
    }
    List<String> keys = new ArrayList<>(scalars.size());
    float[] vals = new float[scalars.size()];
    int n = 0;
    for (Map.Entry<String, ? extends Number> e : scalars.entrySet()) {
      String tag = Objects.requireNonNull(e.getKey(), "scalar tag");
      Number v = Objects.requireNonNull(e.getValue(), () -> "value of scalar '" + tag + "'");
      keys.add(tag);
      vals[n++] = v.floatValue();
    }
    List<Tensor> fed = new ArrayList<>(2 * SLOTS + 1);
    try {
      TInt64 stepT = TInt64.scalarOf(step);
      fed.add(stepT);
      for (int start = 0; start < n; start += SLOTS) {
        int count = Math.min(SLOTS, n - start);
        Session.Runner runner = session.runner().feed(this.step, stepT);
        for (int i = 0; i < count; i++) {
          TString tagT = TString.scalarOf(keys.get(start + i));
          fed.add(tagT);
          TFloat32 valT = TFloat32.scalarOf(vals[start + i]);
          fed.add(valT);
          runner.feed(tags.get(i), tagT).feed(values.get(i), valT);
        }
        // Slot count-1 depends (transitively) on slots 0..count-2: one run writes them in order.
        try (Result ignored = runner.addTarget(writes.get(count - 1)).run()) {
          // nothing fetched
        }
      }
    } finally {
      for (Tensor t : fed) {
        t.close();
      }
    }
  }

  /** Convenience for a single scalar. */
  public void scalar(long step, String tag, Number value) {
    scalars(step, Map.of(tag, value));
  }

  /** Forces everything written so far to disk. */
  public void flush() {
    ensureOpen();
    runTarget(flushOp);
  }

  /**
   * Flushes and closes the event file, then the session and graph. Idempotent. The session and
   * graph are closed even if flushing fails.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      try {
        runTarget(flushOp);
      } finally {
        runTarget(closeOp);
      }
    } finally {
      try {
        session.close();
      } finally {
        graph.close();
      }
    }
  }

  private void runTarget(Op op) {
    try (Result ignored = session.runner().addTarget(op).run()) {
      // nothing fetched
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("TensorBoardWriter for " + logDir + " is closed");
    }
  }

  @Override
  public String toString() {
    return "TensorBoardWriter[" + logDir + (closed ? ", closed]" : "]");
  }
}
