package io.tfssl.embed;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The ids (and labels, if any) of an embeddings file's rows, read from the {@code .ids.tsv} that
 * {@link EmbeddingWriter} writes beside a {@code .npy}; row numbers when there is none (an {@code
 * .npy} saved by another tool).
 */
public final class IdsFile {
  private final String[] ids;
  private final String[] labels;

  private IdsFile(String[] ids, String[] labels) {
    this.ids = ids;
    this.labels = labels;
  }

  /**
   * The ids of the {@code rows} rows of {@code npy}.
   *
   * @throws IllegalArgumentException when the ids file does not have one line per row
   */
  public static IdsFile forEmbeddings(Path npy, int rows) throws IOException {
    Path file = EmbeddingWriter.idsFile(npy);
    if (!Files.exists(file)) {
      String[] ids = new String[rows];
      for (int i = 0; i < rows; i++) {
        ids[i] = Integer.toString(i);
      }
      return new IdsFile(ids, null);
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      boolean labeled = header != null && header.equals("id\tlabel");
      if (header == null || !(labeled || header.equals("id"))) {
        throw new IllegalArgumentException(
            file
                + ": expected a header 'id' or 'id<TAB>label',"
                + " got "
                + (header == null ? "an empty file" : "'" + header + "'"));
      }
      String[] ids = new String[rows];
      String[] labels = labeled ? new String[rows] : null;
      int n = 0;
      for (String line; (line = in.readLine()) != null; n++) {
        if (n == rows) {
          throw new IllegalArgumentException(
              file + " has more lines than the " + rows + " rows of " + npy);
        }
        int tab = line.lastIndexOf('\t');
        if (labeled && tab < 0) {
          throw new IllegalArgumentException(file + ": line " + (n + 2) + " has no label");
        }
        ids[n] = EmbeddingWriter.untsv(labeled ? line.substring(0, tab) : line);
        if (labeled) {
          labels[n] = line.substring(tab + 1);
        }
      }
      if (n != rows) {
        throw new IllegalArgumentException(
            file + " has " + n + " ids for the " + rows + " rows of " + npy);
      }
      return new IdsFile(ids, labels);
    }
  }

  public String id(int row) {
    return ids[row];
  }

  /** The label of {@code row} as written, or null when the file has none. */
  public String label(int row) {
    return labels == null ? null : labels[row];
  }

  public boolean labeled() {
    return labels != null;
  }

  /** The row whose id is {@code id}; else, if {@code id} is a row number, that row; else -1. */
  public int find(String id) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i].equals(id)) {
        return i;
      }
    }
    try {
      int r = Integer.parseInt(id);
      return r >= 0 && r < ids.length ? r : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
