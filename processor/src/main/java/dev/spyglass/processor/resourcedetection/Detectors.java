package dev.spyglass.processor.resourcedetection;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** What each detector finds, once, at start. Later detectors do not overwrite earlier ones. */
final class Detectors {
  private Detectors() {}

  static Map<String, AnyValue> detect(
      List<String> detectors, Function<String, String> environment) {
    Map<String, AnyValue> found = new LinkedHashMap<>();
    for (String detector : detectors) {
      Map<String, AnyValue> detected =
          switch (detector) {
            case "env" -> env(environment.apply("OTEL_RESOURCE_ATTRIBUTES"));
            case "system" -> system();
            case "process" -> process();
            default -> Map.of();
          };
      detected.forEach(found::putIfAbsent);
    }
    return found;
  }

  /** {@code k1=v1,k2=v2}, values percent-decoded, as the SDK specification defines it. */
  static Map<String, AnyValue> env(String value) {
    Map<String, AnyValue> attributes = new LinkedHashMap<>();
    if (value == null || value.isBlank()) {
      return attributes;
    }
    for (String pair : value.split(",")) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        continue;
      }
      String key = pair.substring(0, equals).strip();
      String decoded =
          URLDecoder.decode(
              pair.substring(equals + 1).strip().replace("+", "%2B"), StandardCharsets.UTF_8);
      attributes.put(key, string(decoded));
    }
    return attributes;
  }

  private static Map<String, AnyValue> system() {
    Map<String, AnyValue> attributes = new LinkedHashMap<>();
    attributes.put("host.name", string(hostName()));
    attributes.put("host.arch", string(arch(System.getProperty("os.arch", ""))));
    attributes.put(
        "os.type",
        string(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).replace(' ', '_')));
    attributes.put(
        "os.description",
        string(System.getProperty("os.name", "") + " " + System.getProperty("os.version", "")));
    return attributes;
  }

  private static Map<String, AnyValue> process() {
    Map<String, AnyValue> attributes = new LinkedHashMap<>();
    ProcessHandle self = ProcessHandle.current();
    attributes.put("process.pid", AnyValue.newBuilder().setIntValue(self.pid()).build());
    self.info()
        .command()
        .ifPresent(command -> attributes.put("process.executable.path", string(command)));
    attributes.put("process.runtime.name", string(System.getProperty("java.runtime.name", "")));
    attributes.put(
        "process.runtime.version", string(System.getProperty("java.runtime.version", "")));
    attributes.put(
        "process.runtime.description",
        string(
            System.getProperty("java.vm.vendor", "")
                + " "
                + System.getProperty("java.vm.name", "")));
    return attributes;
  }

  private static String hostName() {
    try {
      String fromKernel = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      if (!fromKernel.isEmpty()) {
        return fromKernel;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String arch(String arch) {
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }

  private static AnyValue string(String value) {
    return AnyValue.newBuilder().setStringValue(value).build();
  }

  static List<KeyValue> merge(
      List<KeyValue> existing, Map<String, AnyValue> detected, boolean override) {
    Map<String, AnyValue> merged = new LinkedHashMap<>();
    existing.forEach(kv -> merged.put(kv.getKey(), kv.getValue()));
    detected.forEach(
        (key, value) -> {
          if (override) {
            merged.put(key, value);
          } else {
            merged.putIfAbsent(key, value);
          }
        });
    return merged.entrySet().stream()
        .map(e -> KeyValue.newBuilder().setKey(e.getKey()).setValue(e.getValue()).build())
        .toList();
  }
}
