package dev.spyglass.storage.embedded;

import dev.spyglass.pipeline.Signal;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KeepOnlyLastCommitDeletionPolicy;
import org.apache.lucene.index.LogByteSizeMergePolicy;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SnapshotDeletionPolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.NIOFSDirectory;

/**
 * One Lucene index: the records of one signal whose timestamps fall in one time window. Opens its
 * writer on first use; commits record the write-ahead log position they cover ({@code wal.lsn}).
 */
final class Partition implements Closeable {
  static final String COMMITTED_LSN = "wal.lsn";

  /** Newest first, then the order records were written: a total, stable order. */
  static final Sort SORT =
      new Sort(
          new SortField(DocumentBuilder.TIMESTAMP, SortField.Type.LONG, true),
          new SortField(DocumentBuilder.LSN, SortField.Type.LONG, true),
          new SortField(DocumentBuilder.POSITION, SortField.Type.LONG, true));

  /** How every partition's index is written: analyzers, sort, codec, merging, buffer. */
  static IndexWriterConfig writerConfig() {
    return new IndexWriterConfig(analyzer())
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
        .setIndexSort(SORT)
        .setCodec(new Lucene104Codec(Lucene104Codec.Mode.BEST_COMPRESSION))
        .setMergePolicy(new LogByteSizeMergePolicy())
        .setRAMBufferSizeMB(32);
  }

  /** Analyses {@code body} as text; every other field is an exact keyword. */
  static Analyzer analyzer() {
    return dev.spyglass.storage.query.QuerySyntax.analyzer();
  }

  private final Signal signal;
  private final long startNanos;
  private final long endNanos;
  private final Path path;
  private Directory directory;
  private IndexWriter writer;
  private SearcherManager searchers;
  private SnapshotDeletionPolicy snapshots;
  private volatile long committedLsn;
  private volatile boolean dirty;
  private volatile long lastUsedNanos = System.nanoTime();

  Partition(Signal signal, long startNanos, long endNanos, Path path) throws IOException {
    this.signal = signal;
    this.startNanos = startNanos;
    this.endNanos = endNanos;
    this.path = path;
    this.committedLsn = readCommittedLsn(path);
  }

  Signal signal() {
    return signal;
  }

  /** The first ns of the window, inclusive. */
  long startNanos() {
    return startNanos;
  }

  /** The end of the window, exclusive. */
  long endNanos() {
    return endNanos;
  }

  Path path() {
    return path;
  }

  boolean overlaps(long fromNanos, long toNanos) {
    return startNanos <= toNanos && fromNanos < endNanos;
  }

  /** Every record before this WAL position that belongs here is in the last commit. */
  long committedLsn() {
    return committedLsn;
  }

  synchronized void add(List<Document> documents) throws IOException {
    open();
    // One by one: addDocuments would add a block, which index sorting refuses without a parent.
    for (Document document : documents) {
      writer.addDocument(document);
    }
    dirty = true;
    lastUsedNanos = System.nanoTime();
  }

  /** Commits what was added, recording {@code lsn}; a no-op when nothing was added. */
  synchronized void commit(long lsn) throws IOException {
    if (!dirty || writer == null) {
      return;
    }
    writer.setLiveCommitData(Map.of(COMMITTED_LSN, Long.toString(lsn)).entrySet());
    writer.commit();
    committedLsn = lsn;
    dirty = false;
  }

  /** Makes what was added visible to searches (near-real-time); {@code wait}s if asked. */
  void refresh(boolean wait) throws IOException {
    SearcherManager current;
    synchronized (this) {
      current = searchers;
    }
    if (current != null) {
      if (wait) {
        current.maybeRefreshBlocking();
      } else {
        current.maybeRefresh();
      }
    }
  }

  /** A searcher to {@link #release}; opens the partition if needed. */
  synchronized IndexSearcher acquire() throws IOException {
    open();
    lastUsedNanos = System.nanoTime();
    return searchers.acquire();
  }

  void release(IndexSearcher searcher) {
    try {
      SearcherManager current;
      synchronized (this) {
        current = searchers;
      }
      if (current != null) {
        current.release(searcher);
      } else {
        searcher.getIndexReader().decRef();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Pins the last commit so its files stay until {@link #releaseSnapshot}; empty when the partition
   * has no commit yet.
   */
  synchronized Optional<IndexCommit> snapshot() throws IOException {
    open();
    lastUsedNanos = System.nanoTime();
    if (!DirectoryReader.indexExists(directory)) {
      return Optional.empty();
    }
    return Optional.of(snapshots.snapshot());
  }

  synchronized void releaseSnapshot(IndexCommit commit) throws IOException {
    if (writer != null) {
      snapshots.release(commit);
      writer.deleteUnusedFiles();
    }
  }

  /** True when open, committed, not pinned by a snapshot, and unused for {@code idleNanos}. */
  boolean idle(long idleNanos) {
    return writer != null
        && !dirty
        && snapshots.getSnapshotCount() == 0
        && System.nanoTime() - lastUsedNanos > idleNanos;
  }

  /** The bytes of the index on disk. */
  long sizeBytes() {
    try (var files = Files.walk(path)) {
      return files.filter(Files::isRegularFile).mapToLong(Partition::size).sum();
    } catch (IOException e) {
      return 0;
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private void open() throws IOException {
    if (writer != null) {
      return;
    }
    Files.createDirectories(path);
    directory = directory(path);
    snapshots = new SnapshotDeletionPolicy(new KeepOnlyLastCommitDeletionPolicy());
    IndexWriterConfig config =
        writerConfig().setIndexDeletionPolicy(snapshots).setCommitOnClose(false);
    writer = new IndexWriter(directory, config);
    searchers = new SearcherManager(writer, null);
  }

  /** Drops what was not committed and releases the files, as a killed process would. */
  synchronized void crash() throws IOException {
    if (writer == null) {
      return;
    }
    try {
      searchers.close();
      writer.rollback();
    } finally {
      directory.close();
      writer = null;
      searchers = null;
      directory = null;
      dirty = false;
    }
  }

  /** Closes the writer (uncommitted additions are dropped: the WAL still has them). */
  @Override
  public synchronized void close() throws IOException {
    if (writer == null) {
      return;
    }
    try {
      searchers.close();
      writer.close();
    } finally {
      directory.close();
      writer = null;
      searchers = null;
      directory = null;
      snapshots = null;
      dirty = false;
    }
  }

  /**
   * Lucene's choice for {@code path} (memory-mapped on 64-bit), or plain positional reads when the
   * path is not the platform's: memory mapping needs a real file, and a test file system (as the
   * power-loss one) wraps it.
   */
  private static Directory directory(Path path) throws IOException {
    return path.getFileSystem() == FileSystems.getDefault()
        ? FSDirectory.open(path)
        : new NIOFSDirectory(path);
  }

  private static long readCommittedLsn(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return 0;
    }
    try (Directory dir = directory(path)) {
      if (!DirectoryReader.indexExists(dir)) {
        return 0;
      }
      String lsn = SegmentInfos.readLatestCommit(dir).getUserData().get(COMMITTED_LSN);
      return lsn == null ? 0 : Long.parseLong(lsn);
    }
  }

  @Override
  public String toString() {
    return signal.configName() + "/" + path.getFileName();
  }
}
