package io.fhirflow.api.fhir;

import ca.uhn.fhir.model.api.IQueryParameterAnd;
import ca.uhn.fhir.model.api.IQueryParameterOr;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import io.fhirflow.api.store.DateCriterion;
import io.fhirflow.api.store.TokenCriterion;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Turns HAPI's parsed search parameters into store criteria, refusing (400) what this server does
 * not implement rather than silently ignoring it: token modifiers, date prefixes ne/sa/eb/ap. Error
 * messages name the parameter, never echo its value.
 */
final class SearchParameterTranslator {

  private SearchParameterTranslator() {}

  /**
   * The page size: {@code _count} when given (capped at {@code max}; FHIR lets a server return
   * fewer), else {@code defaultCount}. Below 1 is refused: {@code _summary=count} asks for a total.
   */
  static int pageSize(Integer count, int defaultCount, int max) {
    if (count == null) {
      return Math.min(defaultCount, max);
    }
    if (count < 1) {
      throw new InvalidRequestException(
          "_count must be at least 1 (use _summary=count for a total)");
    }
    return Math.min(count, max);
  }

  static List<List<TokenCriterion>> tokens(String name, TokenAndListParam and) {
    return andOfOrs(and, t -> token(name, t));
  }

  private static TokenCriterion token(String name, TokenParam t) {
    if (t.getModifier() != null) {
      throw new InvalidRequestException(
          "Modifier :" + t.getModifier().getValue() + " is not supported on parameter " + name);
    }
    String system = t.getSystem();
    String code = t.getValue();
    boolean noCode = code == null || code.isEmpty();
    if (noCode && (system == null || system.isEmpty())) {
      throw new InvalidRequestException("Parameter " + name + " needs a code or a system");
    }
    return new TokenCriterion(system, noCode ? null : code);
  }

  static List<List<DateCriterion>> dates(DateAndListParam and) {
    return andOfOrs(and, SearchParameterTranslator::date);
  }

  private static DateCriterion date(DateParam d) {
    if (d.getValue() == null) {
      throw new InvalidRequestException("Parameter date has no value");
    }
    if (d.getMissing() != null) {
      throw new InvalidRequestException("Modifier :missing is not supported on parameter date");
    }
    return new DateCriterion(comparator(d.getPrefix()), d.getValue().toInstant(), end(d));
  }

  /**
   * HAPI's AND list of OR lists as criteria, each value turned by {@code criterion}: one inner list
   * per AND term that has values; none when the parameter is absent.
   */
  private static <P extends IQueryParameterType, C> List<List<C>> andOfOrs(
      IQueryParameterAnd<? extends IQueryParameterOr<P>> and, Function<P, C> criterion) {
    List<List<C>> out = new ArrayList<>();
    if (and == null) {
      return out;
    }
    for (IQueryParameterOr<P> or : and.getValuesAsQueryTokens()) {
      List<C> any = new ArrayList<>();
      for (P value : or.getValuesAsQueryTokens()) {
        any.add(criterion.apply(value));
      }
      if (!any.isEmpty()) {
        out.add(any);
      }
    }
    return out;
  }

  private static DateCriterion.Comparator comparator(ParamPrefixEnum prefix) {
    if (prefix == null) {
      return DateCriterion.Comparator.EQ;
    }
    return switch (prefix) {
      case EQUAL -> DateCriterion.Comparator.EQ;
      case GREATERTHAN_OR_EQUALS -> DateCriterion.Comparator.GE;
      case GREATERTHAN -> DateCriterion.Comparator.GT;
      case LESSTHAN_OR_EQUALS -> DateCriterion.Comparator.LE;
      case LESSTHAN -> DateCriterion.Comparator.LT;
      default ->
          throw new InvalidRequestException(
              "Date prefix " + prefix.getValue() + " is not supported");
    };
  }

  /** The exclusive end of the value's implicit range: 2026-01-05 covers the whole day. */
  private static Instant end(DateParam d) {
    Instant start = d.getValue().toInstant();
    TemporalPrecisionEnum p = d.getPrecision();
    ZonedDateTime z = start.atZone(ZoneOffset.UTC);
    return switch (p) {
      case YEAR -> z.plusYears(1).toInstant();
      case MONTH -> z.plusMonths(1).toInstant();
      case DAY -> z.plusDays(1).toInstant();
      case MINUTE -> start.plus(1, ChronoUnit.MINUTES);
      case SECOND -> start.plus(1, ChronoUnit.SECONDS);
      case MILLI -> start.plus(1, ChronoUnit.MILLIS);
    };
  }
}
