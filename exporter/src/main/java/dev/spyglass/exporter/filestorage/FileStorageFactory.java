package dev.spyglass.exporter.filestorage;

import dev.spyglass.pipeline.component.ComponentSettings;
import dev.spyglass.pipeline.component.Extension;
import dev.spyglass.pipeline.component.ExtensionFactory;

/** Makes {@code file_storage} extensions. */
public final class FileStorageFactory implements ExtensionFactory<FileStorageConfig> {

  @Override
  public String type() {
    return "file_storage";
  }

  @Override
  public Class<FileStorageConfig> configType() {
    return FileStorageConfig.class;
  }

  @Override
  public FileStorageConfig defaultConfig() {
    return new FileStorageConfig("./spyglass-data/file_storage", true);
  }

  @Override
  public Extension create(ComponentSettings settings, FileStorageConfig config) {
    return new FileStorageExtension(config);
  }
}
