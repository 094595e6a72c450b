package dev.spyglass.storage.embedded;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/** Opens a partition's Lucene directory; tests wrap it to inject crashes. */
@FunctionalInterface
interface DirectoryFactory {
  DirectoryFactory FILE_SYSTEM = FSDirectory::open;

  Directory open(Path path) throws IOException;
}
