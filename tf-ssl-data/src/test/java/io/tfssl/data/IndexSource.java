package io.tfssl.data;

/**
 * A synthetic source whose image {@code i} is 2x2x1 with the bytes of {@code i} (big-endian) and
 * whose label is {@code i}, so a batch shows exactly which indices it holds. Optionally throws from
 * {@code readImage} at one index, to test failure paths.
 */
final class IndexSource implements ImageSource {

  private final int size;
  private final int failAt;

  IndexSource(int size) {
    this(size, -1);
  }

  IndexSource(int size, int failAt) {
    this.size = size;
    this.failAt = failAt;
  }

  @Override
  public String name() {
    return "index-source-" + size;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int height() {
    return 2;
  }

  @Override
  public int width() {
    return 2;
  }

  @Override
  public int channels() {
    return 1;
  }

  @Override
  public void readImage(int index, byte[] dst, int offset) {
    if (index == failAt) {
      throw new IllegalArgumentException("boom at image " + index);
    }
    dst[offset] = (byte) (index >>> 24);
    dst[offset + 1] = (byte) (index >>> 16);
    dst[offset + 2] = (byte) (index >>> 8);
    dst[offset + 3] = (byte) index;
  }

  @Override
  public int label(int index) {
    return index;
  }

  @Override
  public int numClasses() {
    return size;
  }
}
