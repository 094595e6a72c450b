package dev.spyglass.query;

import com.linecorp.armeria.common.HttpStatus;

/** The answer when a read hit its deadline and a partial answer would mean nothing. */
final class QueryTimeouts {
  private QueryTimeouts() {}

  /** A 503: the client may try again, or narrow the query. */
  static ApiException nothingInTime(String what) {
    return new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        "query_timeout",
        what
            + " ran past the query deadline (extensions.api.query_timeout) before it found"
            + " anything; narrow the time range or the query, or try again");
  }
}
