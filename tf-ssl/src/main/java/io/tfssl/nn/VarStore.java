package io.tfssl.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The variables of one network (for example BYOL's online network, or its target), keyed by a
 * stable path such as {@code online/encoder/conv1/w}.
 *
 * <p>Why a store: a network is applied to several views in one graph, and every application must
 * share the same weights; and a checkpoint written by the training graph must restore into an
 * inference-only graph built later, which works only if every variable gets the same name in both.
 * TF Java makes a sub-scope name unique each time it is created ({@code online}, {@code online_1},
 * ...), so the store creates each scope exactly once and hands out the cached {@link Ops}.
 *
 * <p>All variables are ref {@code VariableV2} (never resource variables): only those are saved by
 * {@code Session.save}, and the framework's assign ops need them (see docs/tensorflow-java.md §3,
 * §4). Initial values come from stateless random ops seeded by (seed, hash of the path), so a given
 * seed always gives the same initial network.
 */
public final class VarStore {
  private final Ops root;
  private final String prefix;
  private final long seed;
  private final boolean trainable;
  private final boolean updatesMovingStatistics;
  private final VarStore initialValuesFrom;
  private final Map<String, Ops> scopes = new HashMap<>();
  private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> initialValues = new HashMap<>();
  private final List<Param> params = new ArrayList<>();
  private final Map<String, Op> lastStatisticsUpdate = new LinkedHashMap<>();
  private final List<Operand<TFloat32>> watchedStatistics = new ArrayList<>();
  private long flops;
  private CrossReplicaMoments crossReplicaMoments;

  private VarStore(
      Ops root,
      String prefix,
      long seed,
      boolean trainable,
      boolean updatesStats,
      VarStore initialValuesFrom) {
    this.initialValuesFrom = initialValuesFrom;
    this.root = root;
    this.prefix = prefix;
    this.seed = seed;
    this.trainable = trainable;
    this.updatesMovingStatistics = updatesStats;
  }

  /** A store whose variables are trained by the optimizer (an online network). */
  public static VarStore trainable(Ops root, String prefix, long seed) {
    return new VarStore(root, prefix, seed, true, true, null);
  }

  /**
   * A store whose variables are not trained by gradients (BYOL's target network, MoCo's key
   * encoder): they are updated by assign ops only, and their batch-norm moving statistics are not
   * tracked, since the target is never evaluated in inference mode.
   */
  public static VarStore frozen(Ops root, String prefix, long seed) {
    return new VarStore(root, prefix, seed, false, false, null);
  }

  /**
   * A frozen store whose variables start as exact copies of {@code source}'s (same relative paths):
   * BYOL initializes the target network ξ as a copy of the online θ (Grill et al. 2020, §3.1). The
   * copies evaluate the source's stateless initializers again, so they are equal whatever order the
   * initializers run in.
   */
  public static VarStore copyOf(Ops root, String prefix, VarStore source) {
    VarStore copy = new VarStore(root, prefix, source.seed, false, false, source);
    // A copy normalizes as its source does: over all replicas when the source does.
    copy.crossReplicaMoments = source.crossReplicaMoments;
    return copy;
  }

  /**
   * Makes batch norm in training mode in this network take its statistics over all data-parallel
   * replicas ({@link CrossReplicaMoments}); call it before the network is built. Returns this
   * store.
   */
  public VarStore crossReplicaMoments(CrossReplicaMoments moments) {
    this.crossReplicaMoments = moments;
    return this;
  }

  /** The statistics batch norm shares with the other replicas, or null: the local batch's. */
  CrossReplicaMoments crossReplicaMoments() {
    return crossReplicaMoments;
  }

  /** The root path of this store ({@code online}, {@code target}, ...). */
  public String prefix() {
    return prefix;
  }

  /** The graph-wide ops (no sub-scope). */
  public Ops root() {
    return root;
  }

  public long seed() {
    return seed;
  }

  public boolean isTrainable() {
    return trainable;
  }

  boolean updatesMovingStatistics() {
    return updatesMovingStatistics;
  }

  /** The cached scope for a path relative to this store, created once. */
  public Ops scope(String path) {
    String full = path.isEmpty() ? prefix : prefix + "/" + path;
    return scopeFor(full);
  }

  private Ops scopeFor(String full) {
    Ops cached = scopes.get(full);
    if (cached != null) {
      return cached;
    }
    int slash = full.lastIndexOf('/');
    Ops parent = slash < 0 ? root : scopeFor(full.substring(0, slash));
    Ops created = parent.withSubScope(full.substring(slash + 1));
    scopes.put(full, created);
    return created;
  }

  /**
   * Returns the variable at {@code path/name}, creating it with {@code init} on first use. A
   * trainable store also registers it as a {@link Param} of the given kind unless {@code kind} is
   * null (moving statistics are state, not parameters).
   */
  public Variable<TFloat32> variable(
      String path, String name, ParamKind kind, Initializer init, long... shape) {
    String key = path + "/" + name;
    Variable<TFloat32> existing = variables.get(key);
    if (existing != null) {
      return existing;
    }
    Ops scope = scope(path);
    long varSeed = seed * 1_000_003L + key.hashCode();
    Operand<TFloat32> initial;
    if (initialValuesFrom != null) {
      initial = initialValuesFrom.initialValue(key);
      if (initial == null) {
        throw new IllegalStateException(
            "no variable "
                + initialValuesFrom.prefix
                + "/"
                + key
                + " to copy into "
                + prefix
                + "/"
                + key
                + ": build the source network first");
      }
    } else {
      initial = init.create(scope.withInitScope(), shape, varSeed);
    }
    Variable<TFloat32> v = scope.withName(name).variable(initial);
    variables.put(key, v);
    initialValues.put(key, initial);
    if (trainable && kind != null) {
      params.add(new Param(key, v, kind));
    }
    return v;
  }

  /** Parameters in creation order (empty for a frozen store). */
  public List<Param> params() {
    return Collections.unmodifiableList(params);
  }

  /** Every variable by relative path, including moving statistics. */
  public Map<String, Variable<TFloat32>> variables() {
    return Collections.unmodifiableMap(variables);
  }

  /**
   * The initializer expression of a variable: a stateless random op, so evaluating it again (for
   * example to initialize BYOL's target as a copy of the online network) gives the same values.
   */
  public Operand<TFloat32> initialValue(String key) {
    return initialValues.get(key);
  }

  /**
   * Registers a moving-statistics update. Updates of the same variable from several applications
   * (one per view) are chained with control dependencies so they never race: a race would make a
   * run depend on thread timing and break exact resume.
   */
  Op chainUpdate(String key, java.util.function.Function<Ops, Op> update) {
    Op previous = lastStatisticsUpdate.get(key);
    Ops ops = previous == null ? root : root.withControlDependencies(List.of(previous));
    Op op = update.apply(ops);
    lastStatisticsUpdate.put(key, op);
    return op;
  }

  /**
   * Remembers batch statistics computed in training mode, which the trainer checks for NaN and Inf
   * along with the loss: overflowing activations give an infinite variance while the normalized
   * output, and so the loss, can stay finite.
   */
  void watchStatistics(Operand<TFloat32> mean, Operand<TFloat32> variance) {
    watchedStatistics.add(mean);
    watchedStatistics.add(variance);
  }

  /** The batch statistics of every training-mode BN built with this store. */
  public List<Operand<TFloat32>> watchedStatistics() {
    return List.copyOf(watchedStatistics);
  }

  /** The ops that update batch-norm moving statistics; run them with every training step. */
  public List<Op> statisticsUpdates() {
    return List.copyOf(lastStatisticsUpdate.values());
  }

  void addFlops(long n) {
    flops += n;
  }

  /**
   * Multiply-accumulate FLOPs (2 per MAC) of every conv and dense layer built so far, per image.
   */
  public long flops() {
    return flops;
  }
}
