package io.tfssl.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import io.tfssl.nn.UpwardImportFixture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packages form layers that only point down (README, "Where things are"), and no two packages
 * depend on each other. Read from the compiled classes of all three modules (this test lives in the
 * module that sees them all), so a dependency in code fails it, a mention in a comment does not.
 */
class LayersTest {
  /** Bottom first; a package may use its own level and the ones before it. */
  static final List<List<String>> LEVELS =
      List.of(
          List.of("compute", "nn", "data"),
          List.of("augment"),
          List.of("optim", "method"),
          List.of("features"),
          List.of("train"),
          List.of("export"),
          List.of("eval", "embed"),
          List.of("distributed"),
          List.of("demo"),
          List.of("cli"),
          List.of("bench"));

  static ArchRule layersPointDown() {
    List<ArchRule> rules = new ArrayList<>();
    for (int i = 0; i < LEVELS.size() - 1; i++) {
      List<String> above = new ArrayList<>();
      for (List<String> level : LEVELS.subList(i + 1, LEVELS.size())) {
        level.forEach(p -> above.add("io.tfssl." + p + ".."));
      }
      String[] here =
          LEVELS.get(i).stream().map(p -> "io.tfssl." + p + "..").toArray(String[]::new);
      rules.add(
          noClasses()
              .that()
              .resideInAnyPackage(here)
              .should()
              .dependOnClassesThat()
              .resideInAnyPackage(above.toArray(String[]::new))
              .because("layers point down: " + Arrays.toString(here) + " is below " + above)
              // A level may have no class in a partial import (the rule's own test below).
              .allowEmptyShould(true));
    }
    return CompositeArchRule.of(rules);
  }

  static ArchRule noPackageCycles() {
    return slices().matching("io.tfssl.(*)..").should().beFreeOfCycles();
  }

  static JavaClasses production() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.tfssl");
  }

  @Test
  void everyPackageIsInALevel() {
    JavaClasses classes = production();
    List<String> missing = new ArrayList<>();
    classes.forEach(
        c -> {
          String rest = c.getPackageName().replaceFirst("^io\\.tfssl\\.?", "");
          String top = rest.split("\\.")[0];
          if (LEVELS.stream().noneMatch(l -> l.contains(top)) && !missing.contains(top)) {
            missing.add(top);
          }
        });
    assertTrue(missing.isEmpty(), "packages without a level in LayersTest: " + missing);
  }

  @Test
  void layersPointDownOnly() {
    layersPointDown().check(production());
  }

  @Test
  void packagesHaveNoCycles() {
    noPackageCycles().check(production());
  }

  /** The rules themselves: a class of nn that uses train (a test fixture) is a violation. */
  @Test
  void anUpwardDependencyFailsTheRule() {
    JavaClasses fixture =
        new ClassFileImporter()
            .importClasses(UpwardImportFixture.class, io.tfssl.train.Trainer.class);
    assertTrue(layersPointDown().evaluate(fixture).hasViolation(), "nn -> train must be reported");
    JavaClasses clean = new ClassFileImporter().importClasses(io.tfssl.nn.Dense.class);
    assertFalse(layersPointDown().evaluate(clean).hasViolation());
  }
}
