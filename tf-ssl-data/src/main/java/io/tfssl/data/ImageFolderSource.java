package io.tfssl.data;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * JPEG and PNG files in a folder, decoded to one fixed size on every read.
 *
 * <p>Two layouts, chosen by what the folder holds:
 *
 * <ul>
 *   <li><b>Class folders</b> ({@code root/<class>/*.jpg}, the ImageNet / torchvision {@code
 *       ImageFolder} layout): each non-hidden sub-folder is a class; classes sorted by name get
 *       labels {@code 0..k-1} ({@link #classNames()}). Only files directly inside a class folder
 *       count. A class folder without images is an error, because silently dropping it would shift
 *       the labels of every later class.
 *   <li><b>Flat</b> ({@code root/*.jpg}, no sub-folders): an unlabeled source, label -1.
 * </ul>
 *
 * Image files are those ending in {@code .jpg}, {@code .jpeg} or {@code .png}, in any case
 * (ImageNet uses {@code .JPEG}); hidden files (name starting with {@code .}, such as macOS {@code
 * ._x.jpg} resource forks, a classic source of "corrupt" images) and other files are ignored.
 * Within a class, files are sorted by name, so indices are the same on every machine.
 *
 * <p>Only the file names are kept in memory (a million images cost tens of MB); every read opens
 * the file, reads it and decodes it with a pooled {@link ImageDecoder}. Bad images and thread
 * safety are described in {@link EncodedImageSource}.
 *
 * <pre>{@code
 * try (ImageFolderSource train = ImageFolderSource.builder(Path.of("/data/imagenet/train"))
 *         .size(96, 96).skipBadImages(true).build()) {
 *     Dataset ds = Dataset.from(train).shuffle(42).batch(256, true).repeat().prefetch(2);
 *     ...
 * }
 * }</pre>
 */
public final class ImageFolderSource extends EncodedImageSource {

  private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png");

  private final Path root;
  private final boolean labeled;
  private final List<String> classNames;

  /** The folder of each class (just {@code root} when flat). */
  private final Path[] folders;

  /**
   * {@code starts[c]} is the index of the first image of class {@code c}; one extra entry for the
   * end.
   */
  private final int[] starts;

  /** File names, class by class, each class sorted. */
  private final String[] names;

  private ImageFolderSource(
      Builder b,
      boolean labeled,
      List<String> classNames,
      Path[] folders,
      int[] starts,
      String[] names) {
    super(b, names.length);
    this.root = b.root;
    this.labeled = labeled;
    this.classNames = classNames;
    this.folders = folders;
    this.starts = starts;
    this.names = names;
  }

  /**
   * Starts configuring a source over {@code root}; at least {@link Builder#size} is required.
   *
   * @param root the folder of class folders, or of images
   * @return the builder
   */
  public static Builder builder(Path root) {
    return new Builder(Objects.requireNonNull(root, "root"));
  }

  /**
   * Shorthand for {@code builder(root).size(height, width).channels(channels).build()}.
   *
   * @param root the folder of class folders, or of images
   * @param height target height
   * @param width target width
   * @param channels 1 or 3
   * @return the source; close it when done
   * @throws DataFormatException naming the folder if it is missing or holds no image
   */
  public static ImageFolderSource open(Path root, int height, int width, int channels) {
    return builder(root).size(height, width).channels(channels).build();
  }

  private static ImageFolderSource list(Builder b) {
    Path root = b.root;
    if (!Files.isDirectory(root)) {
      throw new DataFormatException(root, "image folder does not exist or is not a directory");
    }
    List<Path> classFolders = new ArrayList<>();
    List<String> rootImages = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        if (Files.isDirectory(p)) {
          classFolders.add(p);
        } else if (isImageName(name) && Files.isRegularFile(p)) {
          rootImages.add(name);
        }
      }
    } catch (IOException e) {
      throw new DataFormatException(root, "cannot list image folder: " + e, e);
    }
    if (classFolders.isEmpty()) {
      if (rootImages.isEmpty()) {
        throw new DataFormatException(
            root,
            "image folder holds no images (*.jpg, *.jpeg, *.png) " + "and no class sub-folders");
      }
      String[] names = rootImages.toArray(String[]::new);
      Arrays.sort(names);
      return new ImageFolderSource(
          b, false, List.of(), new Path[] {root}, new int[] {0, names.length}, names);
    }
    if (!rootImages.isEmpty()) {
      throw new DataFormatException(
          root,
          "image folder mixes "
              + rootImages.size()
              + " image files (e.g. "
              + rootImages.get(0)
              + ") with "
              + classFolders.size()
              + " class sub-folders; use one layout: "
              + "root/<class>/*.jpg for labeled or root/*.jpg for unlabeled images");
    }
    classFolders.sort((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString()));
    Path[] folders = classFolders.toArray(Path[]::new);
    int[] starts = new int[folders.length + 1];
    List<String> all = new ArrayList<>();
    List<String> classNames = new ArrayList<>();
    for (int c = 0; c < folders.length; c++) {
      starts[c] = all.size();
      String[] names = listImages(folders[c]);
      if (names.length == 0) {
        throw new DataFormatException(
            folders[c],
            "class folder holds no images (*.jpg, *.jpeg, *.png); "
                + "remove it or add images: an empty class would shift the labels of the classes after it");
      }
      all.addAll(Arrays.asList(names));
      classNames.add(folders[c].getFileName().toString());
    }
    starts[folders.length] = all.size();
    return new ImageFolderSource(
        b, true, List.copyOf(classNames), folders, starts, all.toArray(String[]::new));
  }

  /**
   * The image names in a class folder, sorted. Judged by name alone: a stat per file would cost a
   * million system calls on ImageNet (minutes on a network file system), and a folder named like an
   * image fails its read with an error naming it.
   */
  private static String[] listImages(Path folder) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && isImageName(name)) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new DataFormatException(folder, "cannot list class folder: " + e, e);
    }
    String[] out = names.toArray(String[]::new);
    Arrays.sort(out);
    return out;
  }

  static boolean isImageName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String ext : EXTENSIONS) {
      if (lower.endsWith(ext) && lower.length() > ext.length()) {
        return true;
      }
    }
    return false;
  }

  private int classOf(int index) {
    // starts is strictly increasing (no class is empty), so an exact hit is that class's start
    int pos = Arrays.binarySearch(starts, index);
    return pos >= 0 ? pos : -pos - 2;
  }

  /**
   * The file of image {@code index}.
   *
   * @param index the image index
   * @return the path
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public Path file(int index) {
    Objects.checkIndex(index, names.length);
    return folders[classOf(index)].resolve(names[index]);
  }

  /**
   * The class names (sub-folder names) in label order; empty for a flat folder.
   *
   * @return an immutable list, {@code classNames().get(label)} is the folder of that label
   */
  public List<String> classNames() {
    return classNames;
  }

  @Override
  Encoded fetch(int index) {
    Path file = file(index);
    byte[] bytes;
    // java.io rather than Files.readAllBytes: an NIO channel is closed by Thread.interrupt()
    try (InputStream in = new FileInputStream(file.toFile())) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new DataFormatException(file, "cannot read image file: " + e, e);
    }
    return new Encoded(bytes, storedLabel(index), file, null);
  }

  @Override
  int storedLabel(int index) {
    Objects.checkIndex(index, names.length);
    return labeled ? classOf(index) : -1;
  }

  @Override
  Path origin() {
    return root;
  }

  /** Returns the root folder. */
  @Override
  public String name() {
    return root.toString();
  }

  @Override
  public int size() {
    return names.length;
  }

  /** The number of class folders, or 0 for a flat (unlabeled) folder. */
  @Override
  public int numClasses() {
    return labeled ? classNames.size() : 0;
  }

  @Override
  public String toString() {
    return "ImageFolderSource["
        + root
        + ", "
        + names.length
        + " images, "
        + (labeled ? classNames.size() + " classes" : "unlabeled")
        + ", "
        + height()
        + "x"
        + width()
        + "x"
        + channels()
        + ", "
        + fit()
        + (skipBadImages() ? ", skipBadImages" : "")
        + "]";
  }

  /** Options for an {@link ImageFolderSource}; see {@link EncodedImageSource.Builder}. */
  public static final class Builder extends EncodedImageSource.Builder<ImageFolderSource, Builder> {

    private final Path root;

    private Builder(Path root) {
      this.root = root;
    }

    @Override
    public ImageFolderSource build() {
      checkComplete();
      return list(this);
    }
  }
}
