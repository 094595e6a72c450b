package dev.spyglass.storage.embedded;

import org.apache.lucene.document.Document;

/**
 * A record turned into a document, with the timestamp that picks its partition.
 *
 * @param timestampNanos Unix epoch ns
 * @param document the Lucene document
 */
record MappedDocument(long timestampNanos, Document document) {}
