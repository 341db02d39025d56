package io.fhirflow.api.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log event of the JVM while open, as text with any stack trace, to assert what never appears
 * in logs.
 */
public final class CapturedLogs implements AutoCloseable {

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root;

  public CapturedLogs() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
  }

  public List<String> lines() {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(appender.list)) {
      StringBuilder sb =
          new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
      }
      out.add(sb.toString());
    }
    return out;
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
