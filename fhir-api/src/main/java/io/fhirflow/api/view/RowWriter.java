package io.fhirflow.api.view;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Streams view rows in one of the $run output formats, one row at a time (a view over a million
 * resources is never held in memory): {@code json} (one array of objects), {@code ndjson} (one
 * object a line), {@code csv} (RFC 4180, optional header; a collection column is written as its
 * JSON array).
 */
public abstract class RowWriter implements AutoCloseable {

  /** The output formats and their media types. */
  public enum Format {
    JSON("application/json"),
    NDJSON("application/x-ndjson"),
    CSV("text/csv");

    private final String mediaType;

    Format(String mediaType) {
      this.mediaType = mediaType;
    }

    public String mediaType() {
      return mediaType;
    }

    /** From {@code _format} (json, ndjson, csv or a media type); null when unknown. */
    public static Format parse(String text) {
      String t = text.toLowerCase(Locale.ROOT).trim();
      return switch (t) {
        case "json", "application/json" -> JSON;
        case "ndjson", "application/x-ndjson", "application/ndjson", "application/fhir+ndjson" ->
            NDJSON;
        case "csv", "text/csv" -> CSV;
        default -> null;
      };
    }
  }

  private static final JsonFactory FACTORY = new JsonFactory();

  protected final List<String> columns;

  protected RowWriter(List<String> columns) {
    this.columns = columns;
  }

  public static RowWriter create(
      Format format, List<String> columns, OutputStream out, boolean csvHeader) throws IOException {
    return switch (format) {
      case JSON -> new JsonRows(columns, out, false);
      case NDJSON -> new JsonRows(columns, out, true);
      case CSV -> new CsvRows(columns, out, csvHeader);
    };
  }

  public abstract void write(Object[] row) throws IOException;

  @Override
  public abstract void close() throws IOException;

  static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer i) {
      g.writeNumber(i);
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (v instanceof List<?> list) {
      g.writeStartArray();
      for (Object o : list) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else {
      g.writeString(v.toString());
    }
  }

  private static final class JsonRows extends RowWriter {
    private final JsonGenerator g;
    private final boolean lines;
    private boolean any;

    JsonRows(List<String> columns, OutputStream out, boolean lines) throws IOException {
      super(columns);
      this.g = FACTORY.createGenerator(out);
      this.lines = lines;
      if (lines) {
        g.setRootValueSeparator(new SerializedString("\n"));
      } else {
        g.writeStartArray();
      }
    }

    @Override
    public void write(Object[] row) throws IOException {
      any = true;
      g.writeStartObject();
      for (int i = 0; i < row.length; i++) {
        g.writeFieldName(columns.get(i));
        writeValue(g, row[i]);
      }
      g.writeEndObject();
    }

    @Override
    public void close() throws IOException {
      if (!lines) {
        g.writeEndArray();
      } else if (any) {
        // Every line ends with a newline; no rows is an empty body, not one empty line.
        g.writeRaw('\n');
      }
      g.close();
    }
  }

  private static final class CsvRows extends RowWriter {
    private final Writer w;

    CsvRows(List<String> columns, OutputStream out, boolean header) throws IOException {
      super(columns);
      this.w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
      if (header) {
        for (int i = 0; i < columns.size(); i++) {
          if (i > 0) {
            w.write(',');
          }
          field(columns.get(i));
        }
        w.write("\r\n");
      }
    }

    @Override
    public void write(Object[] row) throws IOException {
      for (int i = 0; i < row.length; i++) {
        if (i > 0) {
          w.write(',');
        }
        Object v = row[i];
        if (v instanceof List<?>) {
          java.io.StringWriter json = new java.io.StringWriter();
          try (JsonGenerator g = FACTORY.createGenerator(json)) {
            writeValue(g, v);
          }
          field(json.toString());
        } else if (v instanceof BigDecimal d) {
          w.write(d.toPlainString());
        } else if (v != null) {
          field(v.toString());
        }
      }
      w.write("\r\n");
    }

    private void field(String s) throws IOException {
      if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
        w.write(s);
      } else {
        w.write('"');
        w.write(s.replace("\"", "\"\""));
        w.write('"');
      }
    }

    @Override
    public void close() throws IOException {
      w.flush();
    }
  }
}
