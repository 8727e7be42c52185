package io.tfssl.export;

import io.tfssl.nn.VarStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The encoder's variables read out of a SavedModel ({@code online/encoder/...}, batch-norm moving
 * statistics included), to start fine-tuning from them in a new graph.
 */
public final class EncoderWeights implements AutoCloseable {
  /** The path of the encoder inside the online network. */
  public static final String ENCODER = "encoder/";

  private final Map<String, TFloat32> values;

  private EncoderWeights(Map<String, TFloat32> values) {
    this.values = values;
  }

  /** Reads every {@code online/encoder/...} variable of the loaded model. */
  public static EncoderWeights of(EmbeddingModel model) {
    SavedModelBundle bundle = model.bundle();
    String prefix = InferenceNetwork.ONLINE + "/" + ENCODER;
    List<String> names = new ArrayList<>();
    for (Iterator<GraphOperation> it = bundle.graph().operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VariableV2") && op.name().startsWith(prefix)) {
        names.add(op.name());
      }
    }
    if (names.isEmpty()) {
      throw new InvalidModelException(
          model.dir(), "no " + prefix + "* variables: not an encoder" + " exported by tf-ssl");
    }
    Map<String, TFloat32> values = new LinkedHashMap<>();
    Session.Runner runner = bundle.session().runner();
    names.forEach(runner::fetch);
    // Tensors fetched here outlive the Result: copy them into tensors this object owns.
    try (Result r = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        TFloat32 t = (TFloat32) r.get(i);
        TFloat32 copy = TFloat32.tensorOf(t.shape());
        t.copyTo(copy);
        values.put(names.get(i).substring(InferenceNetwork.ONLINE.length() + 1), copy);
      }
    }
    return new EncoderWeights(values);
  }

  /** Variable paths relative to the online network ({@code encoder/conv1/w}, ...). */
  public java.util.Set<String> names() {
    return java.util.Collections.unmodifiableSet(values.keySet());
  }

  /** Assign ops for every encoder variable of {@code store}; build them before the session. */
  public Assignment prepare(Ops tf, VarStore store) {
    Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
    store
        .variables()
        .forEach(
            (k, v) -> {
              if (k.startsWith(ENCODER)) {
                vars.put(k, v);
              }
            });
    if (!vars.keySet().equals(values.keySet())) {
      TreeSet<String> missing = new TreeSet<>(vars.keySet());
      missing.removeAll(values.keySet());
      TreeSet<String> extra = new TreeSet<>(values.keySet());
      extra.removeAll(vars.keySet());
      throw new IllegalArgumentException(
          "the model's encoder does not match its metadata:"
              + " missing "
              + missing
              + ", unexpected "
              + extra);
    }
    Ops a = tf.withSubScope("load_encoder");
    Map<Placeholder<TFloat32>, TFloat32> feeds = new LinkedHashMap<>();
    List<Op> assigns = new ArrayList<>();
    vars.forEach(
        (k, v) -> {
          TFloat32 value = values.get(k);
          Placeholder<TFloat32> p = a.placeholder(TFloat32.class, Placeholder.shape(value.shape()));
          feeds.put(p, value);
          assigns.add(a.assign(v, p));
        });
    return new Assignment(a.withControlDependencies(assigns).noOp(), feeds);
  }

  /** Assign ops and their values, run once after the session's initialization. */
  public static final class Assignment {
    private final Op group;
    private final Map<Placeholder<TFloat32>, TFloat32> feeds;

    private Assignment(Op group, Map<Placeholder<TFloat32>, TFloat32> feeds) {
      this.group = group;
      this.feeds = feeds;
    }

    /** Overwrites the encoder variables with the model's values. */
    public void run(Session session) {
      Session.Runner r = session.runner().addTarget(group);
      feeds.forEach(r::feed);
      r.run();
    }
  }

  @Override
  public void close() {
    values.values().forEach(TFloat32::close);
  }
}
