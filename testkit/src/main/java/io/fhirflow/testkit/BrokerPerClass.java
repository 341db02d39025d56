package io.fhirflow.testkit;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-JVM broker for all tests of a class: started before the class's own {@code @BeforeAll}
 * methods (which can use it), closed after its {@code @AfterAll} methods (which can still use it).
 *
 * <pre>{@code
 * @RegisterExtension static final BrokerPerClass kafka = new BrokerPerClass();
 * ... kafka.broker().bootstrapServers() ...
 * }</pre>
 */
public final class BrokerPerClass implements BeforeAllCallback, AfterAllCallback {

  private final Supplier<KafkaBroker> start;
  private KafkaBroker broker;

  /** A plaintext broker ({@link KafkaBroker#start()}). */
  public BrokerPerClass() {
    this(KafkaBroker::start);
  }

  private BrokerPerClass(Supplier<KafkaBroker> start) {
    this.start = start;
  }

  /** A broker with SASL and an authorizer ({@link KafkaBroker#startSecured()}). */
  public static BrokerPerClass secured() {
    return new BrokerPerClass(KafkaBroker::startSecured);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    broker = start.get();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  /** The class's broker; only between its first {@code @BeforeAll} and last {@code @AfterAll}. */
  public KafkaBroker broker() {
    if (broker == null) {
      throw new IllegalStateException("no broker outside the test class's lifecycle");
    }
    return broker;
  }
}
