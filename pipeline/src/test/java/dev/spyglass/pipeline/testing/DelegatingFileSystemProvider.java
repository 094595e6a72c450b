package dev.spyglass.pipeline.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * A file system provider that hands every operation to the platform's own, over real files: the
 * base of test file systems that step in on some operations ({@link PowerLossFileSystem}). {@link
 * #root} gives a path of it over a real directory; code under test uses that path like any other,
 * and every path derived from it stays on this provider.
 */
public class DelegatingFileSystemProvider extends FileSystemProvider {
  private final String scheme;
  private final FileSystem real;
  private final FileSystemProvider platform;
  private final Wrapped fileSystem = new Wrapped();

  protected DelegatingFileSystemProvider(String scheme, FileSystem real) {
    this.scheme = scheme;
    this.real = real;
    this.platform = real.provider();
  }

  /** {@code dir}, a real directory, as a path of this file system. */
  public Path root(Path dir) {
    return new DelegatingPath(fileSystem, dir.toAbsolutePath());
  }

  /**
   * The real path under {@code path}, made absolute: for what must bypass the test file system (a
   * memory-mapped read needs a platform path).
   */
  public static Path real(Path path) {
    return DelegatingPath.real(path).toAbsolutePath();
  }

  private Path wrap(Path path) {
    return new DelegatingPath(fileSystem, path);
  }

  @Override
  public String getScheme() {
    return scheme;
  }

  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new UnsupportedOperationException("one file system, made by the provider");
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    return fileSystem;
  }

  @Override
  public Path getPath(URI uri) {
    return wrap(platform.getPath(uri));
  }

  @Override
  public FileChannel newFileChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    return platform.newFileChannel(DelegatingPath.real(path), options, attrs);
  }

  @Override
  public SeekableByteChannel newByteChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    return platform.newByteChannel(DelegatingPath.real(path), options, attrs);
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(
      Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
    DirectoryStream<Path> entries =
        platform.newDirectoryStream(
            DelegatingPath.real(dir), entry -> filter == null || filter.accept(wrap(entry)));
    return new DirectoryStream<>() {
      @Override
      public Iterator<Path> iterator() {
        Iterator<Path> each = entries.iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return each.hasNext();
          }

          @Override
          public Path next() {
            return wrap(each.next());
          }
        };
      }

      @Override
      public void close() throws IOException {
        entries.close();
      }
    };
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    platform.createDirectory(DelegatingPath.real(dir), attrs);
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs)
      throws IOException {
    platform.createSymbolicLink(DelegatingPath.real(link), DelegatingPath.real(target), attrs);
  }

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    return wrap(platform.readSymbolicLink(DelegatingPath.real(link)));
  }

  @Override
  public void delete(Path path) throws IOException {
    platform.delete(DelegatingPath.real(path));
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    platform.copy(DelegatingPath.real(source), DelegatingPath.real(target), options);
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    platform.move(DelegatingPath.real(source), DelegatingPath.real(target), options);
  }

  @Override
  public boolean isSameFile(Path path, Path other) throws IOException {
    return platform.isSameFile(DelegatingPath.real(path), DelegatingPath.real(other));
  }

  @Override
  public boolean isHidden(Path path) throws IOException {
    return platform.isHidden(DelegatingPath.real(path));
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    return platform.getFileStore(DelegatingPath.real(path));
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    platform.checkAccess(DelegatingPath.real(path), modes);
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(
      Path path, Class<V> type, LinkOption... options) {
    return platform.getFileAttributeView(DelegatingPath.real(path), type, options);
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(
      Path path, Class<A> type, LinkOption... options) throws IOException {
    return platform.readAttributes(DelegatingPath.real(path), type, options);
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    return platform.readAttributes(DelegatingPath.real(path), attributes, options);
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
      throws IOException {
    platform.setAttribute(DelegatingPath.real(path), attribute, value, options);
  }

  /** The file system whose paths go through this provider. */
  final class Wrapped extends FileSystem {
    @Override
    public FileSystemProvider provider() {
      return DelegatingFileSystemProvider.this;
    }

    @Override
    public void close() {
      throw new UnsupportedOperationException("the file system is the platform's");
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public boolean isReadOnly() {
      return false;
    }

    @Override
    public String getSeparator() {
      return real.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
      return StreamSupport.stream(real.getRootDirectories().spliterator(), false)
          .map(DelegatingFileSystemProvider.this::wrap)
          .toList();
    }

    @Override
    public Iterable<FileStore> getFileStores() {
      return real.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
      return real.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
      return wrap(real.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
      PathMatcher matcher = real.getPathMatcher(syntaxAndPattern);
      return path -> matcher.matches(DelegatingPath.real(path));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
      return real.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() {
      throw new UnsupportedOperationException("not watched");
    }
  }
}
