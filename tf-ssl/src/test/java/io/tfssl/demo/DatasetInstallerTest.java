package io.tfssl.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo installs Fashion-MNIST only when it may, and otherwise says what to install. */
class DatasetInstallerTest {
  @TempDir Path dir;
  final List<List<String>> ran = new ArrayList<>();
  final java.io.PrintStream quiet =
      new java.io.PrintStream(java.io.OutputStream.nullOutputStream());

  private void writeFiles() throws java.io.IOException {
    for (String f : DatasetInstaller.FILES) {
      Files.write(dir.resolve(f + ".gz"), new byte[] {1});
    }
  }

  @Test
  void presentDataIsLeftAlone() throws Exception {
    writeFiles();
    new DatasetInstaller(
            dir,
            true,
            true,
            c -> {
              ran.add(c);
              return 0;
            })
        .ensure(quiet);
    assertEquals(List.of(), ran);
  }

  @Test
  void withoutRootItSaysInOneLineWhatToInstall() {
    DatasetInstaller installer =
        new DatasetInstaller(
            dir,
            false,
            true,
            c -> {
              ran.add(c);
              return 0;
            });
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> installer.ensure(quiet));
    assertTrue(e.getMessage().contains("apt-get install -y dataset-fashion-mnist"), e.getMessage());
    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertEquals(List.of(), ran, "nothing run without root");
  }

  @Test
  void withoutAptGetItSaysWhatToInstall() {
    DatasetInstaller installer = new DatasetInstaller(dir, true, false, c -> 0);
    assertThrows(IllegalStateException.class, () -> installer.ensure(quiet));
  }

  @Test
  void asRootItInstallsThePackage() throws Exception {
    new DatasetInstaller(
            dir,
            true,
            true,
            c -> {
              ran.add(c);
              writeFiles();
              return 0;
            })
        .ensure(quiet);
    assertEquals(List.of(List.of("apt-get", "install", "-y", "dataset-fashion-mnist")), ran);
  }

  @Test
  void aFailedInstallUpdatesThePackageListsAndRetries() throws Exception {
    new DatasetInstaller(
            dir,
            true,
            true,
            c -> {
              ran.add(c);
              if (ran.size() == 1) {
                return 100;
              }
              if (c.contains("install")) {
                writeFiles();
              }
              return 0;
            })
        .ensure(quiet);
    assertEquals(
        List.of(
            List.of("apt-get", "install", "-y", "dataset-fashion-mnist"),
            List.of("apt-get", "update"),
            List.of("apt-get", "install", "-y", "dataset-fashion-mnist")),
        ran);
  }

  @Test
  void anInstallThatKeepsFailingIsReported() {
    DatasetInstaller installer = new DatasetInstaller(dir, true, true, c -> 100);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> installer.ensure(quiet));
    assertTrue(e.getMessage().contains("could not install"), e.getMessage());
  }
}
