package io.tfssl.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes a labeled folder of colored JPEGs ({@code root/class_k/img_i.jpg}) for the loader
 * benchmark: random ellipses and rectangles over a gradient, so the files compress like photos
 * rather than like flat colors.
 */
public final class SyntheticImageFolder {
  private SyntheticImageFolder() {}

  /** {@code SyntheticImageFolder ROOT IMAGES CLASSES SIZE}: for scripts (gpu-check.sh). */
  public static void main(String[] args) {
    if (args.length != 4) {
      System.err.println("usage: SyntheticImageFolder ROOT IMAGES CLASSES SIZE");
      System.exit(2);
    }
    write(
        Path.of(args[0]),
        Integer.parseInt(args[1]),
        Integer.parseInt(args[2]),
        Integer.parseInt(args[3]),
        0);
  }

  public static Path write(Path root, int images, int classes, int size, long seed) {
    Random r = new Random(seed);
    try {
      for (int i = 0; i < images; i++) {
        int k = i % classes;
        Path dir = root.resolve(String.format("class_%02d", k));
        Files.createDirectories(dir);
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        for (int y = 0; y < size; y++) {
          g.setColor(
              new Color(
                  (y * 255 / size + 40 * k) % 256, (128 + 13 * k) % 256, 255 - y * 255 / size));
          g.drawLine(0, y, size, y);
        }
        for (int s = 0; s < 6; s++) {
          g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
          int w = 8 + r.nextInt(size / 2);
          int h = 8 + r.nextInt(size / 2);
          if (r.nextBoolean()) {
            g.fillOval(r.nextInt(size), r.nextInt(size), w, h);
          } else {
            g.fillRect(r.nextInt(size), r.nextInt(size), w, h);
          }
        }
        g.dispose();
        ImageIO.write(img, "jpg", dir.resolve(String.format("img_%06d.jpg", i)).toFile());
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write synthetic images under " + root, e);
    }
  }
}
