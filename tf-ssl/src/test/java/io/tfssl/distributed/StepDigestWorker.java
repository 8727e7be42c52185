package io.tfssl.distributed;

import io.tfssl.TinyConfigs;
import io.tfssl.augment.ViewPolicy;
import io.tfssl.train.PretrainConfig;
import io.tfssl.train.Trainer;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * A worker process for the cluster tests: trains a tiny SimSiam one step at a time through {@link
 * ClusterTraining} (what {@code tfssl pretrain --cluster} runs) and prints, after every step, a
 * digest of all its variables: {@code step <k> <sha-256>}; it also writes every float variable to
 * {@code <out>/variables-<task>-step<k>.bin}. At the end it prints {@code done}. With the cluster
 * {@code single} it trains one plain process instead (task 0), the reference the clusters are
 * compared with: in a fresh JVM too, since TensorFlow sizes its CPU thread pool, hence the order of
 * its float sums, from the first session of a process.
 *
 * <p>Arguments: out cluster|single task steps batch syncBn(true|false) views(none|augmented)
 * timeoutSeconds [towers]. With towers > 1 ({@link TowerTraining} for {@code single}) the worker
 * also checks after every step that each tower's copy of every variable equals tower 0's, bit for
 * bit, and fails otherwise.
 */
public final class StepDigestWorker {
  private StepDigestWorker() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    boolean single = args[1].equals("single");
    int task = Integer.parseInt(args[2]);
    int steps = Integer.parseInt(args[3]);
    int batch = Integer.parseInt(args[4]);
    boolean syncBn = Boolean.parseBoolean(args[5]);
    boolean noAugmentation = args[6].equals("none");
    double timeout = Double.parseDouble(args[7]);
    int towers = args.length > 8 ? Integer.parseInt(args[8]) : 1;
    PretrainConfig config = config(steps, batch, noAugmentation);
    DataParallelOptions options = new DataParallelOptions(syncBn, timeout, "auto", towers);
    int status = 0;
    try (Trainer trainer =
        single
            ? (towers > 1
                ? TowerTraining.create(config, out, options)
                : Trainer.create(config, out))
            : ClusterTraining.create(config, out, ClusterSpec.parse(args[1], task), options)) {
      trainer.progressBar(false);
      for (int s = 1; s <= steps; s++) {
        trainer.trainUntil(s);
        writeVariables(trainer.session(), out.resolve("variables-" + task + "-step" + s + ".bin"));
        if (towers > 1) {
          requireEqualTowerCopies(trainer.session(), towers);
        }
        System.out.println("step " + s + " " + digest(trainer.session()));
        System.out.flush();
      }
      System.out.println("done");
    } catch (RuntimeException e) {
      System.out.println("failed: " + e.getMessage());
      status = 1;
    }
    System.out.flush();
    // The TF server cannot be stopped (docs/tensorflow-java.md §8): leave the JVM.
    System.exit(status);
  }

  /** The tiny SimSiam of the tests with a per-worker batch of {@code batch}, on one thread. */
  static PretrainConfig config(int steps, int batch, boolean noAugmentation) {
    PretrainConfig.Builder b =
        TinyConfigs.pretrain("simsiam", steps).toBuilder()
            .batchSize(batch)
            .checkpointEvery(1)
            .threads(1);
    if (noAugmentation) {
      b.view1(ViewPolicy.none()).view2(ViewPolicy.none());
    }
    return b.build();
  }

  static String digest(Session session) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    List<GraphOperation> variables = GraphVariables.all(session.graph());
    Session.Runner runner = session.runner();
    variables.forEach(v -> runner.fetch(v.output(0)));
    try (Result r = runner.run()) {
      for (int i = 0; i < variables.size(); i++) {
        sha.update(variables.get(i).name().getBytes());
        Tensor t = r.get(i);
        byte[] bytes = new byte[(int) t.numBytes()];
        t.asRawTensor().data().read(bytes);
        sha.update(bytes);
      }
    }
    StringBuilder hex = new StringBuilder();
    for (byte b : sha.digest()) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }

  /** Fails unless every {@code tower_<t>/<name>} holds the same bytes as {@code <name>}. */
  static void requireEqualTowerCopies(Session session, int towers) {
    List<GraphOperation> variables = GraphVariables.all(session.graph());
    java.util.Map<String, byte[]> values = new java.util.HashMap<>();
    Session.Runner runner = session.runner();
    variables.forEach(v -> runner.fetch(v.output(0)));
    try (Result r = runner.run()) {
      for (int i = 0; i < variables.size(); i++) {
        Tensor t = r.get(i);
        byte[] bytes = new byte[(int) t.numBytes()];
        t.asRawTensor().data().read(bytes);
        values.put(variables.get(i).name(), bytes);
      }
    }
    int compared = 0;
    for (int t = 1; t < towers; t++) {
      String prefix = TowerMirror.prefix(t);
      for (var e : values.entrySet()) {
        if (e.getKey().startsWith(prefix)) {
          byte[] zero = values.get(TowerMirror.towerZeroName(e.getKey(), t));
          if (!java.util.Arrays.equals(zero, e.getValue())) {
            throw new IllegalStateException("tower copies differ: " + e.getKey());
          }
          compared++;
        }
      }
    }
    if (compared == 0) {
      throw new IllegalStateException("no tower copies found");
    }
  }

  /** Every float variable: name, length, values. */
  static void writeVariables(Session session, Path file) throws IOException {
    try (DataOutputStream o = new DataOutputStream(new FileOutputStream(file.toFile()))) {
      for (GraphOperation v : GraphVariables.all(session.graph())) {
        if (GraphVariables.dtype(v) != DataType.DT_FLOAT) {
          continue;
        }
        @SuppressWarnings("unchecked")
        Operand<TFloat32> value = (Operand<TFloat32>) (Operand<?>) v.output(0);
        float[] values = io.tfssl.TestGraphs.fetch(session, value);
        o.writeUTF(v.name());
        o.writeInt(values.length);
        for (float f : values) {
          o.writeFloat(f);
        }
      }
    }
  }
}
