package dev.spyglass.query;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.spyglass.pipeline.Signal;
import dev.spyglass.proto.query.v1.ExportResponse;
import dev.spyglass.proto.query.v1.TailResponse;
import dev.spyglass.storage.Deadline;
import dev.spyglass.storage.ExportPage;
import dev.spyglass.storage.ExportRequest;
import dev.spyglass.storage.StoredRecord;
import dev.spyglass.storage.TailListener;
import dev.spyglass.storage.TailRequest;
import dev.spyglass.storage.TailSubscription;
import dev.spyglass.storage.TelemetryReader;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.proto.logs.v1.LogsData;
import io.opentelemetry.proto.metrics.v1.MetricsData;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server-streaming calls of {@code spyglass.query.v1.QueryService}, both driven by gRPC flow
 * control: a message is sent only while the call is ready (the client has taken what was sent
 * before), so a slow reader holds the server to about one page in memory. Export reads its next
 * page only then; Tail buffers up to {@link #TAIL_BUFFER} records for a slow client, then counts
 * what it leaves out and says so in the next message's {@code dropped}.
 */
final class GrpcStreams {
  static final int PAGE = 1000;
  static final int TAIL_BUFFER = 10_000;

  private GrpcStreams() {}

  /** Records sent by the streams, and records a tail left out for a slow client. */
  static final class Telemetry {
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("method");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    private final LongCounter records;

    Telemetry(Meter meter) {
      records =
          meter
              .counterBuilder("spyglass_query_grpc_stream_records")
              .setDescription(
                  "Records the gRPC Export and Tail streams sent (outcome=sent) or left out for a"
                      + " client reading too slowly (outcome=dropped)")
              .build();
    }

    void sent(String method, long count) {
      records.add(count, Attributes.of(METHOD, method, OUTCOME, "sent"));
    }

    void dropped(long count) {
      records.add(count, Attributes.of(METHOD, "tail", OUTCOME, "dropped"));
    }
  }

  /**
   * Starts an export: the first page is read here under the query deadline (so that a hopeless
   * query fails the call, not the stream), the rest as the client takes them, without one.
   */
  static void export(
      Readers readers,
      Signal signal,
      String query,
      Times.Range range,
      ServerCallStreamObserver<ExportResponse> call,
      Telemetry telemetry)
      throws IOException {
    TelemetryReader reader = readers.get();
    ExportRequest request =
        new ExportRequest(
            signal, query, range.start(), range.end(), PAGE, Optional.empty(), readers.deadline());
    ExportPage first = reader.export(request);
    if (first.partial()) {
      throw QueryTimeouts.nothingInTime("the export's first page");
    }
    untimed();
    Export export = new Export(reader, request, first, call, telemetry);
    call.setOnReadyHandler(export::pump);
    export.pump();
  }

  private static final class Export {
    private final TelemetryReader reader;
    private final ExportRequest request;
    private final ServerCallStreamObserver<ExportResponse> call;
    private final Telemetry telemetry;
    private ExportPage page;
    private boolean done;

    Export(
        TelemetryReader reader,
        ExportRequest request,
        ExportPage first,
        ServerCallStreamObserver<ExportResponse> call,
        Telemetry telemetry) {
      this.reader = reader;
      this.request = request;
      this.page = first;
      this.call = call;
      this.telemetry = telemetry;
    }

    /** Sends pages while the client keeps up; called again by gRPC when it is ready for more. */
    synchronized void pump() {
      try {
        while (!done && !call.isCancelled() && call.isReady()) {
          for (Chunk chunk : chunks(page.records())) {
            call.onNext(exportMessage(request.signal(), chunk));
            telemetry.sent("export", chunk.records());
          }
          if (page.next().isEmpty()) {
            done = true;
            call.onCompleted();
            return;
          }
          page = reader.export(request.next(page, Deadline.NONE));
        }
      } catch (IOException | RuntimeException e) {
        done = true;
        call.onError(GrpcCalls.status(e));
      }
    }
  }

  /**
   * A stream lasts as long as its client reads (an export) or wants (a tail): the API server's
   * request timeout, meant for single answers, does not apply to it.
   */
  private static void untimed() {
    com.linecorp.armeria.server.ServiceRequestContext ctx =
        com.linecorp.armeria.server.ServiceRequestContext.currentOrNull();
    if (ctx != null) {
      ctx.clearRequestTimeout();
    }
  }

  /** Bytes of records per message at most (one larger record goes alone): gRPC clients' 4 MiB. */
  static final int MAX_MESSAGE_BYTES = 1 << 20;

  /** Records as the bytes of one OTLP data message, and how many they are. */
  record Chunk(ByteString otlp, int records) {}

  /**
   * {@code records} as OTLP data messages of at most {@link #MAX_MESSAGE_BYTES} each, every record
   * serialized once: one-record export requests concatenated, which merge their repeated fields.
   */
  static List<Chunk> chunks(List<StoredRecord> records) {
    List<Chunk> chunks = new ArrayList<>();
    ByteString chunk = ByteString.EMPTY;
    int count = 0;
    for (StoredRecord record : records) {
      ByteString bytes = ExportedRecords.request(record).toByteString();
      if (count > 0 && chunk.size() + bytes.size() > MAX_MESSAGE_BYTES) {
        chunks.add(new Chunk(chunk, count));
        chunk = ByteString.EMPTY;
        count = 0;
      }
      chunk = chunk.concat(bytes);
      count++;
    }
    if (count > 0) {
      chunks.add(new Chunk(chunk, count));
    }
    return chunks;
  }

  private static ExportResponse exportMessage(Signal signal, Chunk chunk)
      throws InvalidProtocolBufferException {
    ByteString bytes = chunk.otlp();
    ExportResponse.Builder message = ExportResponse.newBuilder().setRecords(chunk.records());
    switch (signal) {
      case LOGS -> message.setLogs(LogsData.parseFrom(bytes));
      case TRACES -> message.setTraces(TracesData.parseFrom(bytes));
      case METRICS -> message.setMetrics(MetricsData.parseFrom(bytes));
    }
    return message.build();
  }

  /**
   * Subscribes to the store's live tail; the first message, empty, tells the client it is
   * subscribed: what is acknowledged after it arrives will be sent.
   */
  static void tail(
      TelemetryReader reader,
      Signal signal,
      String query,
      ServerCallStreamObserver<TailResponse> call,
      Telemetry telemetry) {
    untimed();
    Tail tail = new Tail(signal, call, telemetry);
    synchronized (tail) {
      tail.subscription = reader.tail(new TailRequest(signal, query), tail);
      if (tail.done) {
        return; // the store closed as it subscribed
      }
      call.setOnCancelHandler(tail.subscription::close);
      call.setOnReadyHandler(tail::pump);
      call.onNext(TailResponse.getDefaultInstance());
    }
  }

  private static final class Tail implements TailListener {
    private final Signal signal;
    private final ServerCallStreamObserver<TailResponse> call;
    private final Telemetry telemetry;
    private final ArrayDeque<StoredRecord> buffered = new ArrayDeque<>();
    private TailSubscription subscription;
    private long dropped;
    private boolean storeClosed;
    private boolean done;

    Tail(Signal signal, ServerCallStreamObserver<TailResponse> call, Telemetry telemetry) {
      this.signal = signal;
      this.call = call;
      this.telemetry = telemetry;
    }

    @Override
    public synchronized void records(List<StoredRecord> records) {
      for (StoredRecord record : records) {
        if (buffered.size() < TAIL_BUFFER) {
          buffered.add(record);
        } else {
          dropped++;
          telemetry.dropped(1);
        }
      }
      pump();
    }

    @Override
    public synchronized void dropped(long count) {
      dropped += count;
      telemetry.dropped(count);
      pump();
    }

    @Override
    public synchronized void closed() {
      storeClosed = true;
      pump();
    }

    synchronized void pump() {
      if (done || call.isCancelled()) {
        return;
      }
      try {
        while (call.isReady() && (!buffered.isEmpty() || dropped > 0)) {
          List<StoredRecord> batch = new ArrayList<>();
          while (!buffered.isEmpty() && batch.size() < PAGE) {
            batch.add(buffered.poll());
          }
          List<Chunk> chunks = chunks(batch);
          // Nothing left but a count of what was dropped: said in a message of its own.
          for (Chunk chunk : chunks.isEmpty() ? List.of(new Chunk(ByteString.EMPTY, 0)) : chunks) {
            call.onNext(tailMessage(chunk));
            telemetry.sent("tail", chunk.records());
          }
        }
        if (storeClosed && buffered.isEmpty()) {
          done = true;
          call.onError(Status.UNAVAILABLE.withDescription("the store closed").asRuntimeException());
        }
      } catch (RuntimeException | InvalidProtocolBufferException e) {
        done = true;
        subscription.close();
        call.onError(GrpcCalls.status(e));
      }
    }

    private TailResponse tailMessage(Chunk chunk) throws InvalidProtocolBufferException {
      ByteString bytes = chunk.otlp();
      TailResponse.Builder message =
          TailResponse.newBuilder().setRecords(chunk.records()).setDropped(dropped);
      dropped = 0;
      switch (signal) {
        case LOGS -> message.setLogs(LogsData.parseFrom(bytes));
        case TRACES -> message.setTraces(TracesData.parseFrom(bytes));
        case METRICS -> message.setMetrics(MetricsData.parseFrom(bytes));
      }
      return message.build();
    }
  }
}
