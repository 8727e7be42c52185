package io.tfssl.distributed;

import org.tensorflow.Server;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.ServerDef;

/**
 * This process's TensorFlow gRPC server: its master runs the worker's session, and its worker
 * service exchanges the collectives' tensors with the other workers. All communication between
 * workers is TensorFlow's own (gRPC, ring all-reduce, NCCL on GPUs); none is written here.
 */
final class WorkerServer {
  private static Server running;
  private static ClusterSpec runningSpec;

  private WorkerServer() {}

  /**
   * Starts the server of {@code spec}'s task, once per process: TF Java cannot stop a server
   * ({@code Server.stop} is "not currently implemented" in TF 2.18, docs/tensorflow-java.md §8), so
   * it lives until the JVM exits.
   *
   * @param defaults the session settings of the server's worker (thread pools, GPU options, the
   *     collective group leader); the worker's devices are created from them
   */
  static synchronized void start(ClusterSpec spec, ConfigProto defaults) {
    if (running != null) {
      if (!runningSpec.equals(spec)) {
        throw new IllegalStateException(
            "this process already runs worker "
                + runningSpec.taskIndex()
                + " of "
                + runningSpec.workers()
                + "; one cluster per process");
      }
      return;
    }
    ServerDef def =
        ServerDef.newBuilder()
            .setCluster(spec.clusterDef())
            .setJobName(ClusterSpec.JOB)
            .setTaskIndex(spec.taskIndex())
            .setProtocol("grpc")
            .setDefaultSessionConfig(defaults)
            .build();
    Server server;
    try {
      server = new Server(def);
      server.start();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot start the TensorFlow server of worker "
              + spec.taskIndex()
              + " on "
              + spec.address()
              + " (is the port in use?): "
              + firstLine(e),
          e);
    }
    running = server;
    runningSpec = spec;
  }

  static String firstLine(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.strip().split("\n")[0];
  }
}
