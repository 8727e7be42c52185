package io.tfssl.distributed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;

/**
 * Before the first step, the workers check that they train the same thing: the number of workers,
 * the per-worker batch, the run's config and the variables of the graph. Each worker contributes
 * these numbers and the all-reduced minimum and maximum must agree, so a worker started with other
 * flags fails at once with a message naming what differs, instead of corrupting the training or
 * waiting for a peer that will never send. It is also the first collective, so every worker waits
 * here (up to the collective timeout) for the others.
 */
final class Handshake {
  private Handshake() {}

  /** What the workers must agree on, with its name for the error message. */
  record Item(String name, long value) {}

  static void check(Session session, Collectives collectives, List<Item> items, int self) {
    Ops tf = Ops.create(session.graph()).withSubScope("handshake");
    long[] values = items.stream().mapToLong(Item::value).toArray();
    Operand<TInt64> mine = tf.constant(values);
    Operand<TInt64> min = collectives.min(tf, mine);
    Operand<TInt64> max = collectives.max(tf, mine);
    long[] lo = new long[values.length];
    long[] hi = new long[values.length];
    try (Result r = session.runner().fetch(min).fetch(max).run()) {
      for (int i = 0; i < values.length; i++) {
        lo[i] = ((TInt64) r.get(0)).getLong(i);
        hi[i] = ((TInt64) r.get(1)).getLong(i);
      }
    }
    List<String> differ = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      if (lo[i] != hi[i]) {
        differ.add(items.get(i).name() + " (this worker: " + values[i] + ")");
      }
    }
    if (!differ.isEmpty()) {
      throw new IllegalArgumentException(
          "worker "
              + self
              + ": the workers disagree on "
              + String.join(", ", differ)
              + "; start every worker with the same flags and data");
    }
  }

  /** The variables' names, types and shapes, as a number. */
  static long variableLayout(List<GraphOperation> variables) {
    StringBuilder s = new StringBuilder();
    for (GraphOperation v : variables) {
      s.append(v.name())
          .append(' ')
          .append(GraphVariables.dtype(v))
          .append(' ')
          .append(v.attributes().getAttrShape("shape"))
          .append('\n');
    }
    return fingerprint(s.toString());
  }

  /** The first 8 bytes of the SHA-256 of {@code text}. */
  static long fingerprint(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (d[i] & 0xff);
      }
      return v;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
