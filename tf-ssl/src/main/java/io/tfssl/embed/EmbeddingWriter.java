package io.tfssl.embed;

import io.tfssl.export.EmbeddingModel.EmbeddedBatch;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * Streams embeddings to a file, batch by batch, keyed by an id per row: {@code FILE.npy} (float32
 * {@code [N, D]}, {@code numpy.load} reads it) with {@code FILE.ids.tsv} beside it (a header, then
 * one {@code id[TAB]label} line per row, in row order), or {@code FILE.csv} ({@code
 * id,label,e0,...,e<D-1>}). The label column is left out for unlabeled data.
 *
 * <p>Files are written under temporary names and renamed by {@link #commit()}, so a run that fails
 * half way leaves no file that looks complete. Ids are escaped so that one line is one row: in the
 * TSV a tab, newline or backslash becomes {@code \t}, {@code \n}, {@code \\}; in the CSV a field
 * with a comma, quote or line break is quoted (RFC 4180).
 */
public final class EmbeddingWriter implements AutoCloseable {
  /** What to write. */
  public enum Format {
    NPY,
    CSV
  }

  private final Format format;
  private final boolean labeled;
  private final boolean l2;
  private final IntFunction<String> ids;
  private final int dim;
  private final List<Path[]> renames = new ArrayList<>();
  private final NpyWriter npy;
  private final BufferedWriter text;
  private long rows;
  private boolean committed;

  private EmbeddingWriter(Path out, int dim, boolean labeled, boolean l2, IntFunction<String> ids)
      throws IOException {
    this.format = formatOf(out);
    this.dim = dim;
    this.labeled = labeled;
    this.l2 = l2;
    this.ids = ids;
    if (format == Format.NPY) {
      npy = new NpyWriter(temp(out), dim);
      text = Files.newBufferedWriter(temp(idsFile(out)), StandardCharsets.UTF_8);
      text.write(labeled ? "id\tlabel\n" : "id\n");
    } else {
      npy = null;
      text = Files.newBufferedWriter(temp(out), StandardCharsets.UTF_8);
      StringBuilder h = new StringBuilder(labeled ? "id,label" : "id");
      for (int j = 0; j < dim; j++) {
        h.append(",e").append(j);
      }
      text.write(h.append('\n').toString());
    }
  }

  /**
   * Opens the files for {@code out}.
   *
   * @param dim floats per embedding
   * @param labeled whether rows have labels (a label column is written)
   * @param l2 divide every row by its Euclidean norm (zero rows stay zero)
   * @param ids the id of source index {@code i}
   */
  public static EmbeddingWriter open(
      Path out, int dim, boolean labeled, boolean l2, IntFunction<String> ids) throws IOException {
    return new EmbeddingWriter(out, dim, labeled, l2, ids);
  }

  /** The format a file name asks for: {@code .npy} or {@code .csv}. */
  public static Format formatOf(Path out) {
    String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      return Format.NPY;
    }
    if (name.endsWith(".csv")) {
      return Format.CSV;
    }
    throw new IllegalArgumentException("the embeddings file must end in .npy or .csv, got " + out);
  }

  /** {@code emb.npy} -> {@code emb.ids.tsv}: the ids file beside an {@code .npy}. */
  public static Path idsFile(Path npy) {
    String name = npy.getFileName().toString();
    return npy.resolveSibling(name.substring(0, name.length() - ".npy".length()) + ".ids.tsv");
  }

  private Path temp(Path target) {
    Path t = target.resolveSibling("." + target.getFileName() + ".partial");
    renames.add(new Path[] {t, target});
    return t;
  }

  /** Appends one batch (rows in the batch's order). */
  public void write(EmbeddedBatch batch) throws IOException {
    write(batch, i -> false);
  }

  /**
   * Appends the rows of one batch whose source index {@code leaveOut} rejects: a bad image replaced
   * by another must not get a row under its own id.
   */
  public void write(EmbeddedBatch batch, IntPredicate leaveOut) throws IOException {
    float[] e = batch.embeddings();
    if (e.length != batch.size() * dim) {
      throw new IllegalArgumentException(
          batch.size() + " rows but " + e.length + " floats for" + " dim " + dim);
    }
    if (l2) {
      e = l2Normalized(e, batch.size(), dim);
    }
    // compact the kept rows to the front, in copies: the batch stays as it was handed over
    int[] index = batch.sourceIndices().clone();
    int[] labels = batch.labels().clone();
    e = e == batch.embeddings() ? e.clone() : e;
    int kept = 0;
    for (int i = 0; i < batch.size(); i++) {
      if (!leaveOut.test(index[i])) {
        System.arraycopy(e, i * dim, e, kept * dim, dim);
        index[kept] = index[i];
        labels[kept] = labels[i];
        kept++;
      }
    }
    if (npy != null) {
      npy.write(e, kept);
    }
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < kept; i++) {
      line.setLength(0);
      String id = ids.apply(index[i]);
      line.append(format == Format.NPY ? tsv(id) : csv(id));
      if (labeled) {
        line.append(format == Format.NPY ? '\t' : ',').append(labels[i]);
      }
      if (format == Format.CSV) {
        for (int j = 0; j < dim; j++) {
          line.append(',').append(e[i * dim + j]);
        }
      }
      text.write(line.append('\n').toString());
    }
    rows += kept;
  }

  /** Rows written so far. */
  public long rows() {
    return rows;
  }

  /** The files this writer produces, the embeddings first. */
  public List<Path> files() {
    return renames.stream().map(r -> r[1]).toList();
  }

  /** Row {@code i} of {@code e} divided by its norm (a norm below 1e-12 divides by 1e-12). */
  static float[] l2Normalized(float[] e, int count, int dim) {
    float[] out = new float[e.length];
    for (int i = 0; i < count; i++) {
      double sq = 0;
      for (int j = 0; j < dim; j++) {
        sq += (double) e[i * dim + j] * e[i * dim + j];
      }
      double inv = 1.0 / Math.max(Math.sqrt(sq), 1e-12);
      for (int j = 0; j < dim; j++) {
        out[i * dim + j] = (float) (e[i * dim + j] * inv);
      }
    }
    return out;
  }

  static String tsv(String id) {
    return id.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  /** Undoes {@link #tsv}. */
  static String untsv(String field) {
    StringBuilder b = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 1 < field.length()) {
        char n = field.charAt(++i);
        b.append(
            switch (n) {
              case 't' -> '\t';
              case 'n' -> '\n';
              case 'r' -> '\r';
              default -> n;
            });
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  static String csv(String id) {
    if (id.indexOf(',') < 0
        && id.indexOf('"') < 0
        && id.indexOf('\n') < 0
        && id.indexOf('\r') < 0) {
      return id;
    }
    return '"' + id.replace("\"", "\"\"") + '"';
  }

  /** Finishes the files and gives them their final names. */
  public void commit() throws IOException {
    closeFiles();
    for (Path[] r : renames) {
      Files.move(r[0], r[1], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    committed = true;
  }

  private void closeFiles() throws IOException {
    try (BufferedWriter t = text) {
      if (npy != null) {
        npy.close();
      }
    }
  }

  /** Without {@link #commit()}, deletes the partial files. */
  @Override
  public void close() throws IOException {
    if (committed) {
      return;
    }
    closeFiles();
    for (Path[] r : renames) {
      Files.deleteIfExists(r[0]);
    }
  }
}
