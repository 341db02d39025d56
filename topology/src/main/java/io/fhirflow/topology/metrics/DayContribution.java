package io.fhirflow.topology.metrics;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What one sample version added to one local-day aggregate of one metric: kept with the version in
 * the dedupe store so an update can take the old contribution back out of the day's total instead
 * of counting the record twice, and with the record's derived resources so a deletion can.
 */
public record DayContribution(String metric, long epochDay, double sum, long count) {

  /**
   * The stores' binary form of a list: count, then per entry name length, name, day, sum, count.
   */
  public static final class Codec {
    private final List<DayContribution> contributions;
    private final List<byte[]> names;
    private final int size;

    public Codec(List<DayContribution> contributions) {
      this.contributions = contributions;
      this.names = new ArrayList<>(contributions.size());
      int bytes = 4;
      for (DayContribution c : contributions) {
        byte[] name = c.metric().getBytes(StandardCharsets.UTF_8);
        names.add(name);
        bytes += 4 + name.length + 8 + 8 + 8;
      }
      this.size = bytes;
    }

    public int size() {
      return size;
    }

    public void write(ByteBuffer b) {
      b.putInt(contributions.size());
      for (int i = 0; i < contributions.size(); i++) {
        DayContribution c = contributions.get(i);
        b.putInt(names.get(i).length)
            .put(names.get(i))
            .putLong(c.epochDay())
            .putDouble(c.sum())
            .putLong(c.count());
      }
    }

    public static List<DayContribution> read(ByteBuffer b) {
      int n = b.getInt();
      List<DayContribution> cs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        byte[] name = new byte[b.getInt()];
        b.get(name);
        cs.add(
            new DayContribution(
                new String(name, StandardCharsets.UTF_8), b.getLong(), b.getDouble(), b.getLong()));
      }
      return List.copyOf(cs);
    }
  }
}
