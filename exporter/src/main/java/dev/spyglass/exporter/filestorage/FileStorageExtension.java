package dev.spyglass.exporter.filestorage;

import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.ComponentKind;
import dev.spyglass.pipeline.component.Extension;
import dev.spyglass.pipeline.component.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code file_storage} extension: a directory in which components such as an exporter's sending
 * queue keep what must survive a restart, one subdirectory per component.
 */
public final class FileStorageExtension implements Extension {
  private final Path directory;
  private final boolean createDirectory;

  FileStorageExtension(FileStorageConfig config) {
    this.directory = Path.of(config.directory()).toAbsolutePath().normalize();
    this.createDirectory = config.createDirectory();
  }

  @Override
  public void start(Host host) {
    try {
      if (createDirectory) {
        Files.createDirectories(directory);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create directory " + directory + ": " + e, e);
    }
    if (!Files.isDirectory(directory)) {
      throw new IllegalStateException(
          "directory " + directory + " does not exist (set create_directory: true to create it)");
    }
    if (!Files.isWritable(directory)) {
      throw new IllegalStateException("directory " + directory + " is not writable");
    }
  }

  /** The directory of component {@code id} of {@code kind}, e.g. {@code exporter_otlp_backup}. */
  public Path directoryFor(ComponentKind kind, ComponentId id) {
    String name = kind.singular() + "_" + id.type() + (id.name().isEmpty() ? "" : "_" + id.name());
    return directory.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_"));
  }
}
