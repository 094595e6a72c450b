package dev.spyglass.exporter.otlp;

import dev.spyglass.pipeline.component.ComponentId;
import dev.spyglass.pipeline.component.InvalidConfigException;
import java.util.Optional;

/**
 * {@code sending_queue}, as the Collector's: batches wait here for {@code num_consumers} senders.
 *
 * @param enabled queue at all; when false a batch is acknowledged only once the endpoint took it;
 *     default true
 * @param numConsumers batches sent at once; default 10
 * @param queueSize batches the queue holds; a full queue refuses with a retryable error; default
 *     1000
 * @param storage the id of a {@code file_storage} extension: the queue is then kept on disk and
 *     survives a restart; empty (the default) for an in-memory queue
 */
public record QueueSettings(boolean enabled, int numConsumers, int queueSize, String storage) {

  static final QueueSettings DEFAULT = new QueueSettings(true, 10, 1000, "");

  public QueueSettings {
    storage = storage == null ? "" : storage;
  }

  void validate() {
    if (numConsumers < 1) {
      throw new InvalidConfigException("sending_queue.num_consumers", "must be at least 1");
    }
    if (queueSize < 1) {
      throw new InvalidConfigException("sending_queue.queue_size", "must be at least 1");
    }
    storageId();
  }

  /** The {@code file_storage} extension to keep the queue in, if any. */
  Optional<ComponentId> storageId() {
    if (storage.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ComponentId.parse(storage));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("sending_queue.storage", e.getMessage());
    }
  }
}
