package dev.spyglass.pipeline;

/**
 * Tenant ids as Grafana Mimir, Loki and Tempo take them in {@code X-Scope-OrgID}: 1 to 150
 * characters of letters, digits and {@code ! - _ . * ' ( )}, not {@code .} or {@code ..} (so that
 * an id is always a safe directory name).
 */
public final class Tenants {
  /** The request header that names the tenant. */
  public static final String HEADER = "x-scope-orgid";

  /** The longest tenant id. */
  public static final int MAX_LENGTH = 150;

  private Tenants() {}

  /**
   * {@code id} if it is a valid tenant id; otherwise an {@link IllegalArgumentException} that says
   * why, for a 400 answer.
   */
  public static String check(String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("the tenant id (X-Scope-OrgID) is empty");
    }
    if (id.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "the tenant id (X-Scope-OrgID) is longer than " + MAX_LENGTH + " characters");
    }
    if (id.equals(".") || id.equals("..")) {
      throw new IllegalArgumentException("the tenant id (X-Scope-OrgID) may not be '" + id + "'");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!-_.*'()".indexOf(c) >= 0;
      if (!allowed) {
        throw new IllegalArgumentException(
            "the tenant id (X-Scope-OrgID) may only hold letters, digits and ! - _ . * ' ( ),"
                + " not '"
                + c
                + "'");
      }
    }
    return id;
  }
}
