package dev.spyglass.processor.redaction;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Removes disallowed attributes and masks blocked values in attributes and log bodies. */
final class Redactor {
  static final Map<String, Pattern> BUILTIN =
      Map.of(
          "credit_card", Pattern.compile("(?<!\\d)(?:\\d[ -]?){12,18}\\d(?!\\d)"),
          "email", Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"),
          "bearer_token", Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/=-]{8,}"),
          "jwt", Pattern.compile("\\beyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"),
          "aws_access_key", Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"));
  private static final String MASK = "****";

  private final RedactionConfig config;
  private final Set<String> allowed;
  private final Set<String> ignored;
  private final List<Pattern> blocked = new ArrayList<>();
  private final Pattern creditCard;

  Redactor(RedactionConfig config) {
    this.config = config;
    this.allowed = new HashSet<>(config.allowedKeys());
    this.ignored = new HashSet<>(config.ignoredKeys());
    config.blockedValues().forEach(regex -> blocked.add(Pattern.compile(regex)));
    Pattern card = null;
    for (String name : config.builtinPatterns()) {
      if (name.equals("credit_card")) {
        card = BUILTIN.get(name);
      } else {
        blocked.add(BUILTIN.get(name));
      }
    }
    this.creditCard = card;
  }

  /** Counts of what one record lost. */
  static final class Counts {
    int redacted;
    int masked;
  }

  List<KeyValue> attributes(List<KeyValue> attributes, Counts counts) {
    List<KeyValue> out = new ArrayList<>(attributes.size() + 2);
    for (KeyValue attribute : attributes) {
      String key = attribute.getKey();
      if (ignored.contains(key)) {
        out.add(attribute);
      } else if (!config.allowAllKeys() && !allowed.contains(key)) {
        counts.redacted++;
      } else {
        AnyValue value = value(attribute.getValue(), counts);
        out.add(
            value == attribute.getValue()
                ? attribute
                : attribute.toBuilder().setValue(value).build());
      }
    }
    if (config.summary().equals("info") && (counts.redacted > 0 || counts.masked > 0)) {
      out.add(count("redaction.redacted.count", counts.redacted));
      out.add(count("redaction.masked.count", counts.masked));
    }
    return out;
  }

  /** The value with blocked parts masked; the same instance when nothing matched. */
  AnyValue value(AnyValue value, Counts counts) {
    if (!value.hasStringValue()) {
      return value;
    }
    String masked = mask(value.getStringValue());
    if (masked.equals(value.getStringValue())) {
      return value;
    }
    counts.masked++;
    return AnyValue.newBuilder().setStringValue(masked).build();
  }

  String mask(String text) {
    String out = text;
    for (Pattern pattern : blocked) {
      out = replace(pattern, out, false);
    }
    if (creditCard != null) {
      out = replace(creditCard, out, true);
    }
    return out;
  }

  private String replace(Pattern pattern, String text, boolean luhn) {
    Matcher matcher = pattern.matcher(text);
    StringBuilder out = null;
    int last = 0;
    while (matcher.find()) {
      if (luhn && !luhnValid(matcher.group())) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, last, matcher.start()).append(replacement(matcher.group()));
      last = matcher.end();
    }
    return out == null ? text : out.append(text, last, text.length()).toString();
  }

  private String replacement(String match) {
    if (config.hashFunction().equals("sha256")) {
      try {
        return HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(match.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return MASK;
  }

  /** The Luhn checksum, so that order numbers of the right length are not taken for cards. */
  static boolean luhnValid(String candidate) {
    int sum = 0;
    boolean doubleIt = false;
    int digits = 0;
    for (int i = candidate.length() - 1; i >= 0; i--) {
      char c = candidate.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int digit = c - '0';
      if (doubleIt) {
        digit *= 2;
        if (digit > 9) {
          digit -= 9;
        }
      }
      sum += digit;
      doubleIt = !doubleIt;
      digits++;
    }
    return digits >= 13 && digits <= 19 && sum % 10 == 0;
  }

  private static KeyValue count(String key, int count) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(count))
        .build();
  }
}
