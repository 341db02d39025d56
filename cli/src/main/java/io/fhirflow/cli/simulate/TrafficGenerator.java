package io.fhirflow.cli.simulate;

import io.fhirflow.contracts.Tenants;
import io.fhirflow.schema.HcInstantaneous;
import io.fhirflow.schema.HcMeasurement;
import io.fhirflow.schema.HcSeries;
import io.fhirflow.schema.HkQuantity;
import io.fhirflow.schema.Platform;
import io.fhirflow.schema.RecordVersion;
import io.fhirflow.schema.SampleDeletions;
import io.fhirflow.schema.WearableSample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * An endless, reproducible stream of HealthKit and Health Connect traffic for N users.
 *
 * <p>Each user has a timeline per kind advancing at that kind's cadence; the generator always takes
 * the earliest due event, so cadences stay realistic whatever rate the records are sent at. The
 * timelines start {@code backfill} before now, like phones syncing the last hours of data. Mixed
 * in, by the given shares: exact duplicates of recent records (gateway retries), updates of recent
 * Health Connect records with a higher clientRecordVersion, late records days in the past
 * (back-filled wearables), bad records of five kinds that must all end in the dead-letter topic,
 * and deletions from the phone: of records sent before, and (a quarter of them) of records whose
 * original is sent a few records after its deletion, as a gateway's sync batches can order them.
 *
 * <p>Users are dealt over the tenants in turn (user 1 to the first tenant, user 2 to the second,
 * ...), each record goes to its user's tenant, and one user id is in two tenants ({@link
 * SimulatedUser#idOf}) when there are several.
 */
public final class TrafficGenerator {

  /** Shares of the non-NEW outcomes; what is left is NEW. */
  public record Mix(double duplicates, double updates, double late, double bad, double deletions) {
    public static final Mix DEFAULT = new Mix(0.05, 0.02, 0.03, 0.01, 0.005);

    /** Without deletions. */
    public Mix(double duplicates, double updates, double late, double bad) {
      this(duplicates, updates, late, bad, 0);
    }
  }

  private static final int HISTORY = 4096;
  private static final Outcome[] BAD = {
    Outcome.BAD_NOT_WIRE_FORMAT,
    Outcome.BAD_UNKNOWN_SCHEMA_ID,
    Outcome.BAD_NAN_VALUE,
    Outcome.BAD_END_BEFORE_START,
    Outcome.BAD_UNKNOWN_TYPE
  };

  private final Random random;
  private final Clock clock;
  private final Mix mix;
  private final SampleFactory factory;
  private final List<SimulatedUser> users = new ArrayList<>();
  private final PriorityQueue<Due> due = new PriorityQueue<>(Comparator.comparing(Due::time));
  private final Deque<SimulatedRecord> pending = new ArrayDeque<>();

  /** Originals whose deletion was already sent; each goes out a few records later. */
  private final Deque<SimulatedRecord> afterDeletion = new ArrayDeque<>();

  private final Sent[] history = new Sent[HISTORY];
  private final Sent[] hcHistory = new Sent[HISTORY];
  private long historyCount;
  private long hcHistoryCount;

  private record Due(Instant time, SimulatedUser user, SampleKind kind) {}

  private record Sent(SampleKind kind, WearableSample sample, String tenant) {}

  /** Every user in the default tenant, as before tenants. */
  public TrafficGenerator(int userCount, long seed, Clock clock, Duration backfill, Mix mix) {
    this(userCount, List.of(Tenants.DEFAULT), seed, clock, backfill, mix);
  }

  /**
   * @param tenants the tenants the users are dealt over, in turn; at least one
   */
  public TrafficGenerator(
      int userCount, List<String> tenants, long seed, Clock clock, Duration backfill, Mix mix) {
    if (tenants.isEmpty()) {
      throw new IllegalArgumentException("at least one tenant");
    }
    tenants.forEach(Tenants::requireValid);
    this.random = new Random(seed);
    this.clock = clock;
    this.mix = mix;
    this.factory = new SampleFactory(random);
    Instant start = clock.instant().minus(backfill);
    for (int i = 1; i <= userCount; i++) {
      // The platform and zone follow the user's place within its tenant, so that every tenant
      // gets both platforms (dealt in turn, a tenant's users would otherwise share a parity).
      SimulatedUser user =
          SimulatedUser.draw(
              tenants.get((i - 1) % tenants.size()),
              SimulatedUser.idOf(i, tenants),
              (i - 1) / tenants.size() + 1,
              random);
      users.add(user);
      for (SampleKind kind : SampleKind.values()) {
        // Spread the first event of each user over one cadence, aligned as phones align them.
        long offset = (long) (random.nextDouble() * kind.cadence().toSeconds());
        Instant first = start.plusSeconds(offset);
        due.add(new Due(align(first, kind, user), user, kind));
      }
    }
  }

  /**
   * Events per second the users produce on their own (without duplicates and the rest); a run at a
   * higher rate replays a backfill window that many times faster.
   */
  public static double naturalRate(int users) {
    double perUser = 0;
    for (SampleKind kind : SampleKind.values()) {
      perUser += 1.0 / kind.cadence().toSeconds();
    }
    return users * perUser;
  }

  public List<SimulatedUser> users() {
    return List.copyOf(users);
  }

  public SimulatedRecord next() {
    if (!afterDeletion.isEmpty() && random.nextInt(4) == 0) {
      return afterDeletion.poll();
    }
    double r = random.nextDouble();
    if (r < mix.bad()) {
      return bad(BAD[random.nextInt(BAD.length)]);
    }
    r -= mix.bad();
    if (r < mix.duplicates() && historyCount > 0) {
      Sent s = pick(history, historyCount);
      // A deleted record is never sent again as a duplicate: the topology would count it as
      // deleted.
      return s == null
          ? fresh()
          : new SimulatedRecord.Sample(s.kind, Outcome.DUPLICATE, s.sample, s.tenant);
    }
    r -= mix.duplicates();
    if (r < mix.updates() && hcHistoryCount > 0) {
      return update();
    }
    r -= mix.updates();
    if (r < mix.deletions() && historyCount > 0) {
      return random.nextInt(4) == 0 ? deletionBeforeOriginal() : deletion();
    }
    r -= mix.deletions();
    if (r < mix.late()) {
      return late();
    }
    return fresh();
  }

  private SimulatedRecord fresh() {
    if (pending.isEmpty()) {
      Due d = due.poll();
      Instant now = clock.instant();
      Instant when = d.time.isAfter(now) ? now : d.time;
      for (WearableSample s : factory.create(d.user, d.kind, when, now)) {
        pending.add(new SimulatedRecord.Sample(d.kind, Outcome.NEW, s, d.user.tenant()));
      }
      due.add(new Due(align(d.time.plus(d.kind.cadence()), d.kind, d.user), d.user, d.kind));
    }
    SimulatedRecord.Sample next = (SimulatedRecord.Sample) pending.poll();
    remember(next.kind(), next.sample(), next.tenant());
    return next;
  }

  /** A new record measured 2 hours to 5 days ago: a wearable back-filling after days offline. */
  private SimulatedRecord late() {
    SimulatedUser user = users.get(random.nextInt(users.size()));
    SampleKind kind = random.nextBoolean() ? SampleKind.HEART_RATE : SampleKind.STEPS;
    Instant now = clock.instant();
    Instant when =
        align(now.minus(Duration.ofMinutes(120 + random.nextInt(5 * 24 * 60 - 120))), kind, user);
    WearableSample sample = factory.create(user, kind, when, now).get(0);
    remember(kind, sample, user.tenant());
    return new SimulatedRecord.Sample(kind, Outcome.LATE, sample, user.tenant());
  }

  /** The same Health Connect record again, edited on the phone: version + 1, value changed. */
  private SimulatedRecord update() {
    int index = (int) (random.nextInt((int) Math.min(hcHistoryCount, HISTORY)));
    Sent s = hcHistory[index];
    if (s == null) {
      return fresh();
    }
    WearableSample old = s.sample;
    RecordVersion v = old.getVersion();
    Instant modified = clock.instant();
    WearableSample updated =
        WearableSample.newBuilder(old)
            .setReceivedTime(modified)
            .setVersion(
                RecordVersion.newBuilder(v)
                    .setClientRecordVersion(v.getClientRecordVersion() + 1)
                    .setLastModifiedTime(modified)
                    .build())
            .setBody(edited(old.getBody()))
            .build();
    hcHistory[index] = new Sent(s.kind, updated, s.tenant);
    return new SimulatedRecord.Sample(s.kind, Outcome.UPDATE, updated, s.tenant);
  }

  /**
   * The phone deletes a record sent before; it leaves the history, so nothing of it is sent again.
   */
  private SimulatedRecord deletion() {
    Sent s = pick(history, historyCount);
    if (s == null) {
      return fresh();
    }
    forget(s);
    return new SimulatedRecord.Sample(s.kind, Outcome.DELETION, deletionOf(s.sample), s.tenant);
  }

  /**
   * A deletion that overtakes its original (the original follows a few records later and must stay
   * deleted).
   */
  private SimulatedRecord deletionBeforeOriginal() {
    SimulatedUser user = users.get(random.nextInt(users.size()));
    SampleKind kind = random.nextBoolean() ? SampleKind.HEART_RATE : SampleKind.STEPS;
    Instant now = clock.instant();
    WearableSample original =
        factory
            .create(user, kind, align(now.minus(Duration.ofMinutes(30)), kind, user), now)
            .get(0);
    afterDeletion.add(
        new SimulatedRecord.Sample(kind, Outcome.AFTER_DELETION, original, user.tenant()));
    return new SimulatedRecord.Sample(
        kind, Outcome.DELETION_EARLY, deletionOf(original), user.tenant());
  }

  private WearableSample deletionOf(WearableSample sample) {
    // A HealthKit anchored query runs per type, so its gateway knows the type; a Health Connect
    // deletion change does not.
    String type = sample.getPlatform() == Platform.HEALTHKIT ? sample.getType() : null;
    return SampleDeletions.of(
        sample.getUserId(), sample.getPlatform(), sample.getRecordId(), type, clock.instant());
  }

  private void forget(Sent deleted) {
    WearableSample sample = deleted.sample;
    for (Sent[] ring : List.of(history, hcHistory)) {
      for (int i = 0; i < ring.length; i++) {
        if (ring[i] != null
            && ring[i].sample.getRecordId().equals(sample.getRecordId())
            && ring[i].sample.getUserId().equals(sample.getUserId())
            && ring[i].tenant.equals(deleted.tenant)) {
          ring[i] = null;
        }
      }
    }
  }

  private Object edited(Object body) {
    if (body instanceof HcInstantaneous inst) {
      List<HcMeasurement> changed = new ArrayList<>();
      for (HcMeasurement m : inst.getMeasurements()) {
        // A correction on the phone stays plausible: a percentage never goes above 100.
        double delta = random.nextBoolean() ? 1 : -1;
        if (m.getUnit().equals("percent") && m.getValue() + delta > 100) {
          delta = -1;
        }
        changed.add(HcMeasurement.newBuilder(m).setValue(m.getValue() + delta).build());
      }
      return HcInstantaneous.newBuilder(inst).setMeasurements(changed).build();
    }
    if (body instanceof HcSeries series && !series.getSamples().isEmpty()) {
      HcSeries copy = HcSeries.newBuilder(series).build();
      copy.getSamples().remove(copy.getSamples().size() - 1);
      return copy;
    }
    return body;
  }

  private SimulatedRecord bad(Outcome outcome) {
    SimulatedUser user = users.get(random.nextInt(users.size()));
    Instant now = clock.instant();
    return switch (outcome) {
      case BAD_NOT_WIRE_FORMAT ->
          new SimulatedRecord.Raw(
              SampleKind.HEART_RATE,
              outcome,
              user.id(),
              "{\"type\":\"HeartRate\",\"bpm\":72}".getBytes(StandardCharsets.UTF_8),
              user.tenant());
      case BAD_UNKNOWN_SCHEMA_ID ->
          new SimulatedRecord.Raw(
              SampleKind.HEART_RATE,
              outcome,
              user.id(),
              ByteBuffer.allocate(13)
                  .put((byte) 0)
                  .putInt(Integer.MAX_VALUE - random.nextInt(1000))
                  .putLong(random.nextLong())
                  .array(),
              user.tenant());
      case BAD_NAN_VALUE -> {
        WearableSample s = factory.create(user, SampleKind.WEIGHT, now, now).get(0);
        yield new SimulatedRecord.Sample(SampleKind.WEIGHT, outcome, withNaN(s), user.tenant());
      }
      case BAD_END_BEFORE_START -> {
        WearableSample s =
            factory.create(user, SampleKind.STEPS, now.minusSeconds(900), now).get(0);
        yield new SimulatedRecord.Sample(
            SampleKind.STEPS,
            outcome,
            WearableSample.newBuilder(s).setEndTime(s.getStartTime().minusSeconds(600)).build(),
            user.tenant());
      }
      default -> {
        WearableSample s = factory.create(user, SampleKind.HEART_RATE, now, now).get(0);
        String type =
            user.platform() == Platform.HEALTHKIT
                ? "HKQuantityTypeIdentifierTelepathyLevel"
                : "TelepathyRecord";
        yield new SimulatedRecord.Sample(
            SampleKind.HEART_RATE,
            Outcome.BAD_UNKNOWN_TYPE,
            WearableSample.newBuilder(s).setType(type).build(),
            user.tenant());
      }
    };
  }

  private static WearableSample withNaN(WearableSample s) {
    Object body = s.getBody();
    if (body instanceof HkQuantity q) {
      body = HkQuantity.newBuilder(q).setValue(Double.NaN).build();
    } else if (body instanceof HcInstantaneous inst) {
      List<HcMeasurement> nan = new ArrayList<>();
      inst.getMeasurements()
          .forEach(m -> nan.add(HcMeasurement.newBuilder(m).setValue(Double.NaN).build()));
      body = HcInstantaneous.newBuilder(inst).setMeasurements(nan).build();
    }
    return WearableSample.newBuilder(s).setBody(body).build();
  }

  private void remember(SampleKind kind, WearableSample sample, String tenant) {
    history[(int) (historyCount++ % HISTORY)] = new Sent(kind, sample, tenant);
    if (sample.getPlatform() == Platform.HEALTH_CONNECT
        && (sample.getBody() instanceof HcInstantaneous || sample.getBody() instanceof HcSeries)) {
      hcHistory[(int) (hcHistoryCount++ % HISTORY)] = new Sent(kind, sample, tenant);
    }
  }

  private Sent pick(Sent[] ring, long count) {
    return ring[random.nextInt((int) Math.min(count, HISTORY))];
  }

  /** Step buckets start on quarter hours, SpO2 on the hour, sleep ends at a morning wake-up. */
  private static Instant align(Instant t, SampleKind kind, SimulatedUser user) {
    long s = t.getEpochSecond();
    return switch (kind) {
      case SLEEP -> {
        java.time.ZonedDateTime wake =
            t.atZone(user.zone()).toLocalDate().atTime(7, 0).atZone(user.zone());
        yield wake.toInstant().isAfter(t) ? wake.minusDays(1).toInstant() : wake.toInstant();
      }
      case STEPS -> Instant.ofEpochSecond(s - Math.floorMod(s, 900));
      case SPO2 -> Instant.ofEpochSecond(s - Math.floorMod(s, 3600));
      default -> Instant.ofEpochSecond(s);
    };
  }
}
