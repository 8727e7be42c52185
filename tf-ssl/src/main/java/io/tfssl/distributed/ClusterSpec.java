package io.tfssl.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.JobDef;

/**
 * The workers of a synchronous data-parallel cluster and which one this process is. Every process
 * is given the same list, as {@code --cluster host:port,host:port --task-index i} or in
 * TensorFlow's standard {@code TF_CONFIG} environment variable:
 *
 * <pre>
 * TF_CONFIG='{"cluster": {"worker": ["10.0.0.1:2222", "10.0.0.2:2222"]},
 *             "task": {"type": "worker", "index": 1}}'
 * </pre>
 *
 * <p>A {@code "chief"} job (TF_CONFIG of Estimator and MultiWorkerMirroredStrategy) is the first
 * worker: its task is index 0 and {@code worker} i becomes index i + 1. Worker 0 is the chief: it
 * leads the collective groups and writes the checkpoints. There are no parameter servers: every
 * worker holds all variables and the gradients are all-reduced.
 *
 * @param workers {@code host:port} of every worker, in task order
 * @param taskIndex this process's position in {@code workers}
 */
public record ClusterSpec(List<String> workers, int taskIndex) {
  /** The one TensorFlow job of the cluster. */
  static final String JOB = "worker";

  public ClusterSpec {
    workers = List.copyOf(workers);
    if (workers.isEmpty()) {
      throw new IllegalArgumentException("the cluster has no workers");
    }
    for (String w : workers) {
      checkAddress(w);
    }
    if (workers.stream().distinct().count() != workers.size()) {
      throw new IllegalArgumentException("the cluster lists a worker twice: " + workers);
    }
    if (taskIndex < 0 || taskIndex >= workers.size()) {
      throw new IllegalArgumentException(
          "task index "
              + taskIndex
              + " is not in [0, "
              + workers.size()
              + ") for the "
              + workers.size()
              + " workers "
              + workers);
    }
  }

  /** From {@code --cluster host:port,host:port} and {@code --task-index i}. */
  public static ClusterSpec parse(String cluster, int taskIndex) {
    List<String> workers = new ArrayList<>();
    for (String part : cluster.split(",")) {
      if (!part.isBlank()) {
        workers.add(part.strip());
      }
    }
    return new ClusterSpec(workers, taskIndex);
  }

  /** From the JSON of {@code TF_CONFIG}. */
  public static ClusterSpec fromTfConfig(String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("TF_CONFIG is not valid JSON: " + e.getMessage(), e);
    }
    JsonNode cluster = root == null ? null : root.get("cluster");
    JsonNode task = root == null ? null : root.get("task");
    if (cluster == null || !cluster.isObject() || task == null || !task.isObject()) {
      throw new IllegalArgumentException(
          "TF_CONFIG needs {\"cluster\": {\"worker\": [...]}, \"task\": {\"type\": ..., \"index\": ...}}");
    }
    for (Iterator<String> jobs = cluster.fieldNames(); jobs.hasNext(); ) {
      String job = jobs.next();
      if (!job.equals("chief") && !job.equals("worker")) {
        throw new IllegalArgumentException(
            "TF_CONFIG job '"
                + job
                + "' is not supported: training"
                + " is synchronous all-reduce between workers (a chief and workers), without"
                + " parameter servers or evaluators");
      }
    }
    List<String> chief = addresses(cluster, "chief");
    if (chief.size() > 1) {
      throw new IllegalArgumentException(
          "TF_CONFIG lists " + chief.size() + " chiefs; at most one");
    }
    List<String> all = new ArrayList<>(chief);
    all.addAll(addresses(cluster, "worker"));
    String type = task.path("type").asText("");
    if (!task.path("index").canConvertToInt()) {
      throw new IllegalArgumentException("TF_CONFIG task has no integer \"index\"");
    }
    int index = task.get("index").asInt();
    return switch (type) {
      case "chief" -> {
        if (index != 0 || chief.isEmpty()) {
          throw new IllegalArgumentException(
              "TF_CONFIG task is chief "
                  + index
                  + " but the cluster has "
                  + chief.size()
                  + " chief(s)");
        }
        yield new ClusterSpec(all, 0);
      }
      case "worker" -> new ClusterSpec(all, chief.size() + index);
      default ->
          throw new IllegalArgumentException(
              "TF_CONFIG task type '" + type + "' is not supported (chief or worker)");
    };
  }

  /**
   * The cluster given by the flags, else by {@code TF_CONFIG} in {@code env}, else none (a single
   * process).
   */
  public static Optional<ClusterSpec> resolve(
      String clusterFlag, Integer taskIndexFlag, Map<String, String> env) {
    if (clusterFlag != null) {
      if (taskIndexFlag == null) {
        throw new IllegalArgumentException(
            "--cluster needs --task-index (this worker's position"
                + " in the list, 0 for the chief)");
      }
      return Optional.of(parse(clusterFlag, taskIndexFlag));
    }
    if (taskIndexFlag != null) {
      throw new IllegalArgumentException("--task-index needs --cluster");
    }
    String tfConfig = env.get("TF_CONFIG");
    if (tfConfig == null || tfConfig.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(fromTfConfig(tfConfig));
  }

  private static List<String> addresses(JsonNode cluster, String job) {
    JsonNode list = cluster.get(job);
    List<String> out = new ArrayList<>();
    if (list == null) {
      return out;
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException(
          "TF_CONFIG cluster." + job + " must be a list of host:port");
    }
    list.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static void checkAddress(String address) {
    int colon = address.lastIndexOf(':');
    boolean ok = colon > 0 && colon < address.length() - 1;
    if (ok) {
      try {
        int port = Integer.parseInt(address.substring(colon + 1));
        ok = port > 0 && port < 65536;
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok) {
      throw new IllegalArgumentException("worker address '" + address + "' is not host:port");
    }
  }

  public int size() {
    return workers.size();
  }

  public boolean isChief() {
    return taskIndex == 0;
  }

  /** This worker's {@code host:port}. */
  public String address() {
    return workers.get(taskIndex);
  }

  /**
   * The session target of this worker's own server. It names the server exactly as the cluster
   * does, so TensorFlow finds the in-process master instead of calling itself over gRPC.
   */
  public String target() {
    return "grpc://" + address();
  }

  /** The TF device prefix of task {@code index}. */
  static String device(int index) {
    return "/job:" + JOB + "/replica:0/task:" + index;
  }

  /** The device prefix of the chief, which leads every collective group. */
  String leader() {
    return device(0);
  }

  ClusterDef clusterDef() {
    JobDef.Builder job = JobDef.newBuilder().setName(JOB);
    for (int i = 0; i < workers.size(); i++) {
      job.putTasks(i, workers.get(i));
    }
    return ClusterDef.newBuilder().addJob(job).build();
  }
}
