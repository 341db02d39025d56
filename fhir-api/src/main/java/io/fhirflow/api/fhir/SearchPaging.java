package io.fhirflow.api.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import io.fhirflow.api.store.PageKey;
import java.util.Optional;

/**
 * How every search pages: the page size from {@code _count} within the configured default and
 * maximum, and the signed {@code _cursor} of a next link, bound to the search and to the token's
 * patient ({@link PageCursor}). {@code maxCount} bounds every answer, pages and $lastn alike.
 */
public record SearchPaging(PageCursor cursors, int defaultCount, int maxCount) {

  /** The page size {@code _count} asks for (the default when absent), at most the maximum. */
  int pageSize(Integer count) {
    return SearchParameterTranslator.pageSize(count, defaultCount, maxCount);
  }

  /**
   * Where the page {@code cursor} asks for starts; empty for a first page. A cursor made for
   * another search or another patient is a 400.
   */
  Optional<PageKey> after(StringParam cursor, RequestDetails request, Optional<String> confinedTo) {
    return cursor == null
        ? Optional.empty()
        : Optional.of(decode(cursor.getValue(), SearchBundles.fingerprint(request), confinedTo));
  }

  /**
   * The position {@code cursor} names, if it was made for the search with {@code fingerprint}
   * ({@link SearchBundles#fingerprint}) under the same patient; otherwise a 400.
   */
  PageKey decode(String cursor, String fingerprint, Optional<String> confinedTo) {
    try {
      return cursors.decode(cursor, fingerprint, confinedTo);
    } catch (PageCursor.InvalidCursorException e) {
      throw new InvalidRequestException("The page link is not valid for this search and token");
    }
  }

  /** The cursor of the next page's link, when there is a next page. */
  Optional<String> next(
      Optional<PageKey> next, RequestDetails request, Optional<String> confinedTo) {
    return next.map(k -> encode(k, SearchBundles.fingerprint(request), confinedTo));
  }

  /** The cursor of a link to the page from {@code next} of the search with {@code fingerprint}. */
  String encode(PageKey next, String fingerprint, Optional<String> confinedTo) {
    return cursors.encode(next, fingerprint, confinedTo);
  }
}
