package io.tfssl.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfssl.TestGraphs;
import io.tfssl.TinyConfigs;
import io.tfssl.nn.SmallConvNet;
import io.tfssl.train.Gradients;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** Gradients are blocked exactly where the papers put the stop-gradient. */
class StopGradientTest {

  private static TFloat32 randomViews(long seed) {
    Random r = new Random(seed);
    TFloat32 t = TFloat32.tensorOf(Shape.of(8, 28, 28, 1));
    t.scalars().forEach(s -> s.setFloat((float) r.nextGaussian()));
    return t;
  }

  /**
   * With the asymmetric loss D(p1, sg(z2)), view 2 reaches the loss only through the target branch
   * z2: its gradient must vanish with the stop-gradient and not without it.
   */
  private static double gradientThroughTargetBranch(boolean stopGradient) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> v1 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      Placeholder<TFloat32> v2 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      SimSiam method =
          new SimSiam(
              TinyConfigs.simsiam()
                  .withSymmetry(Symmetry.ASYMMETRIC)
                  .withStopGradient(stopGradient));
      MethodGraph mg = method.build(MethodInput.of(tf, new SmallConvNet(), List.of(v1, v2), 1));
      Output<?>[] grads =
          g.addGradients(mg.loss().asOutput(), new Output<?>[] {v1.asOutput(), v2.asOutput()});
      assertEquals(
          stopGradient,
          !TestGraphs.reachableWithoutStopGradient(mg.loss(), (GraphOperation) v2.op()));
      try (Session s = new Session(g);
          TFloat32 a = randomViews(1);
          TFloat32 b = randomViews(2)) {
        assertEquals(stopGradient, Gradients.isAbsent(grads[1]));
        double toView1 = TestGraphs.absSum(s, grads[0], v1, a, v2, b);
        assertTrue(toView1 > 0, "the online branch (view 1) always gets a gradient");
        return TestGraphs.absSum(s, grads[1], v1, a, v2, b);
      }
    }
  }

  @Test
  void simSiamStopGradientBlocksTheTargetBranch() {
    assertEquals(0.0, gradientThroughTargetBranch(true), "gradient leaked through sg(z2)");
  }

  @Test
  void withoutStopGradientTheTargetBranchGetsGradient() {
    assertTrue(
        gradientThroughTargetBranch(false) > 0, "no gradient through z2 without stop-gradient");
  }

  private static long stopGradientsInSymmetricSimSiam(boolean stopGradient) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> v1 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      Placeholder<TFloat32> v2 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      MethodGraph mg =
          new SimSiam(TinyConfigs.simsiam().withStopGradient(stopGradient))
              .build(MethodInput.of(tf, new SmallConvNet(), List.of(v1, v2), 1));
      assertTrue(
          mg.trainable().stream()
              .allMatch(
                  p ->
                      p.name().startsWith("encoder/")
                          || p.name().startsWith("projector/")
                          || p.name().startsWith("predictor/")));
      return countOps(g, "StopGradient");
    }
  }

  @Test
  void symmetricSimSiamHasOneStopGradientPerLossTerm() {
    assertEquals(2, stopGradientsInSymmetricSimSiam(true));
    assertEquals(0, stopGradientsInSymmetricSimSiam(false));
  }

  @Test
  void byolLossHasNoGradientPathToTheTarget() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> v1 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      Placeholder<TFloat32> v2 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      MethodGraph mg =
          new Byol(TinyConfigs.byol())
              .build(MethodInput.of(tf, new SmallConvNet(), List.of(v1, v2), 1));
      TargetEma ema = mg.target().orElseThrow();
      List<Variable<TFloat32>> targets = ema.pairs().stream().map(TargetEma.Pair::target).toList();
      assertFalse(targets.isEmpty());
      for (Variable<TFloat32> xi : targets) {
        assertFalse(
            TestGraphs.reachableWithoutStopGradient(mg.loss(), (GraphOperation) xi.op()),
            "gradient path from the loss to target variable " + xi.op().name());
        assertTrue(
            TestGraphs.feeds(mg.loss(), (GraphOperation) xi.op()),
            "target variable "
                + xi.op().name()
                + " should feed the loss (through the stop-gradient)");
      }
      // No target variable is trained, and every online parameter is.
      assertTrue(
          mg.trainable().stream().noneMatch(p -> p.variable().op().name().startsWith("target/")));
      Output<?>[] xs = targets.stream().map(Operand::asOutput).toArray(Output[]::new);
      Output<?>[] grads = g.addGradients(mg.loss().asOutput(), xs);
      try (Session s = new Session(g);
          TFloat32 a = randomViews(3);
          TFloat32 b = randomViews(4)) {
        for (Output<?> grad : grads) {
          assertTrue(Gradients.isAbsent(grad), "the gradient builder found a path to ξ");
        }
        // ...while the online parameters do get gradients.
        Output<?>[] online =
            g.addGradients(
                mg.loss().asOutput(),
                mg.trainable().stream().map(p -> p.variable().asOutput()).toArray(Output[]::new));
        for (Output<?> grad : online) {
          assertFalse(Gradients.isAbsent(grad));
        }
        assertTrue(TestGraphs.absSum(s, online[0], v1, a, v2, b) > 0);
      }
    }
  }

  @Test
  void noGradientReachesMoCosKeyEncoderOrQueue() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> v1 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      Placeholder<TFloat32> v2 =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
      MethodGraph mg =
          new MoCoV2(TinyConfigs.mocov2())
              .build(MethodInput.of(tf, new SmallConvNet(), List.of(v1, v2), 1));
      List<Variable<TFloat32>> keyEncoder =
          mg.target().orElseThrow().pairs().stream().map(TargetEma.Pair::target).toList();
      assertEquals(
          mg.trainable().size(), keyEncoder.size(), "every query parameter has a key twin");
      GraphOperation queue = g.operation(MoCoV2.QUEUE);
      List<GraphOperation> frozen = new java.util.ArrayList<>();
      keyEncoder.forEach(v -> frozen.add((GraphOperation) v.op()));
      frozen.add(queue);
      for (GraphOperation op : frozen) {
        assertFalse(
            TestGraphs.reachableWithoutStopGradient(mg.loss(), op),
            "gradient path from the loss to " + op.name());
        assertTrue(TestGraphs.feeds(mg.loss(), op), op.name() + " should feed the loss");
      }
      assertTrue(
          mg.trainable().stream().allMatch(p -> p.variable().op().name().startsWith("online/")));
      // The gradient builder agrees: nothing for the key encoder and the queue, something for
      // the query encoder.
      Output<?>[] xs = new Output<?>[frozen.size() + 1];
      xs[0] = mg.trainable().get(0).variable().asOutput();
      for (int i = 0; i < frozen.size(); i++) {
        xs[i + 1] = frozen.get(i).output(0);
      }
      Output<?>[] grads = g.addGradients(mg.loss().asOutput(), xs);
      assertFalse(Gradients.isAbsent(grads[0]));
      for (int i = 1; i < grads.length; i++) {
        assertTrue(Gradients.isAbsent(grads[i]), "gradient reached " + xs[i].op().name());
      }
      try (Session s = new Session(g);
          TFloat32 a = randomViews(5);
          TFloat32 b = randomViews(6)) {
        assertTrue(TestGraphs.absSum(s, grads[0], v1, a, v2, b) > 0);
      }
    }
  }

  @Test
  void swavCodesAreBehindTheStopGradient() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Operand<TFloat32>> views = new java.util.ArrayList<>();
      for (int size : new int[] {28, 28, 14, 14}) {
        views.add(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 1))));
      }
      MethodGraph mg =
          new SwAV(TinyConfigs.swav()).build(MethodInput.of(tf, new SmallConvNet(), views, 1));
      Variable<TFloat32> prototypes = mg.online().variables().get("prototypes/w");
      assertTrue(mg.trainable().stream().anyMatch(p -> p.variable() == prototypes));
      for (int view = 1; view <= 2; view++) {
        Operand<TFloat32> codes = g.<TFloat32>operation(SwAV.codesOp(view)).output(0);
        assertTrue(TestGraphs.feeds(mg.loss(), (GraphOperation) codes.op()));
        // The codes are computed from the prototypes and the encoder, but only through the
        // stop-gradient: no trainable variable can receive a gradient through them.
        assertTrue(TestGraphs.feeds(codes, (GraphOperation) prototypes.op()));
        for (var p : mg.trainable()) {
          assertFalse(
              TestGraphs.reachableWithoutStopGradient(codes, (GraphOperation) p.variable().op()),
              "gradient path through codes " + view + " to " + p.name());
        }
      }
      // ...while the loss trains the prototypes through the predictions.
      assertTrue(
          TestGraphs.reachableWithoutStopGradient(mg.loss(), (GraphOperation) prototypes.op()));
      assertEquals(2, countOps(g, "StopGradient"), "one stop-gradient per large view's codes");
    }
  }

  private static long countOps(Graph g, String type) {
    long n = 0;
    for (var it = g.operations(); it.hasNext(); ) {
      if (it.next().type().equals(type)) {
        n++;
      }
    }
    return n;
  }
}
