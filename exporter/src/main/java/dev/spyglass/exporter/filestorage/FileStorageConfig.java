package dev.spyglass.exporter.filestorage;

import dev.spyglass.pipeline.component.ComponentConfig;
import dev.spyglass.pipeline.component.InvalidConfigException;

/**
 * Configuration of the {@code file_storage} extension, as the Collector's.
 *
 * @param directory where components keep their files; default {@code ./spyglass-data/file_storage}
 * @param createDirectory create {@code directory} if it is missing; default true
 */
public record FileStorageConfig(String directory, boolean createDirectory)
    implements ComponentConfig {

  @Override
  public void validate() {
    if (directory == null || directory.isBlank()) {
      throw new InvalidConfigException("directory", "is required");
    }
  }
}
