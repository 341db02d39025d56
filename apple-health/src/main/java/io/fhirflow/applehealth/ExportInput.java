package io.fhirflow.applehealth;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Opens an export for streaming: a plain {@code export.xml}, or the {@code export.zip} the Health
 * app shares, read entry by entry without unpacking. The main file is the entry whose root element
 * is {@code HealthData}, whatever it is called ({@code Exportieren.xml}, {@code 导出.xml}); {@code
 * export_cda.xml} and workout routes are passed over.
 */
final class ExportInput implements Closeable {

  static final String ROOT = "HealthData";

  private final CountingInputStream file;
  private final long size;
  private final TopLevelElementSplitter splitter;
  private final IllegalXmlCharFilter filter;
  private final String entryName;

  private ExportInput(
      CountingInputStream file,
      long size,
      TopLevelElementSplitter splitter,
      IllegalXmlCharFilter filter,
      String entryName) {
    this.file = file;
    this.size = size;
    this.splitter = splitter;
    this.filter = filter;
    this.entryName = entryName;
  }

  /** Opens the file and reads up to the root element of the main export XML. */
  static ExportInput open(Path path) throws IOException {
    long size = Files.size(path);
    CountingInputStream file =
        new CountingInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16));
    try {
      if (isZip(file)) {
        ZipInputStream zip = new ZipInputStream(file, StandardCharsets.UTF_8);
        ZipEntry entry;
        while ((entry = zip.getNextEntry()) != null) {
          if (entry.isDirectory()
              || !entry.getName().toLowerCase(java.util.Locale.ROOT).endsWith(".xml")) {
            continue;
          }
          IllegalXmlCharFilter filter = filter(new NonClosing(zip));
          TopLevelElementSplitter splitter = new TopLevelElementSplitter(filter);
          if (ROOT.equals(splitter.readRoot())) {
            return new ExportInput(file, size, splitter, filter, entry.getName());
          }
        }
        throw new NotAnExportException(
            path.getFileName()
                + " is not an Apple Health export: no XML entry with root"
                + " element <"
                + ROOT
                + ">; pass the export.zip the Health app shares, or the export.xml inside it");
      }
      IllegalXmlCharFilter filter = filter(file);
      TopLevelElementSplitter splitter = new TopLevelElementSplitter(filter);
      String root = splitter.readRoot();
      if (!ROOT.equals(root)) {
        throw new NotAnExportException(
            path.getFileName()
                + " is not an Apple Health export: "
                + (root == null ? "no XML element found" : "root element is <" + root + ">")
                + ", expected <"
                + ROOT
                + ">; pass export.xml (not export_cda.xml) or the export.zip");
      }
      return new ExportInput(file, size, splitter, filter, path.getFileName().toString());
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  private static IllegalXmlCharFilter filter(InputStream in) {
    // InputStreamReader replaces malformed UTF-8 instead of failing.
    return new IllegalXmlCharFilter(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static boolean isZip(InputStream in) throws IOException {
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    return magic.length == 4
        && magic[0] == 'P'
        && magic[1] == 'K'
        && magic[2] == 3
        && magic[3] == 4;
  }

  TopLevelElementSplitter splitter() {
    return splitter;
  }

  /** Name of the XML that is read: the file name, or the zip entry's name. */
  String entryName() {
    return entryName;
  }

  /** Bytes of the file (compressed bytes for a zip) consumed so far. */
  long bytesRead() {
    return file.count;
  }

  long size() {
    return size;
  }

  long illegalCharactersDropped() {
    return filter.dropped();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }

  private static final class CountingInputStream extends FilterInputStream {
    long count;
    private long mark;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }

    @Override
    public synchronized void mark(int readlimit) {
      super.mark(readlimit);
      mark = count;
    }

    @Override
    public synchronized void reset() throws IOException {
      super.reset();
      count = mark;
    }
  }

  /** Lets a zip entry's reader be dropped without closing the zip. */
  private static final class NonClosing extends FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // The zip stream stays open for the next entry; ExportInput closes the file.
    }
  }
}
