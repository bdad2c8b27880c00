using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Internal;

/// <summary>
/// Re-encodes dead letters for their source partitions: one open batch per target partition, sent when it is full,
/// when the next record is older than the batch's first (record timestamps are stored as unsigned deltas from the
/// first, so an older one would be clamped), or when <see cref="PublishAllAsync"/> is called. This keeps each
/// message's original timestamp exactly, which a producer (stamping the current time) would not. Not thread-safe.
/// </summary>
internal sealed class RedriveBatches : IDisposable
{
    private const int MaxBatchBytes = 256 * 1024;
    private static ReadOnlySpan<byte> DeadLetterPrefix => "fb-dlq-"u8;

    private readonly BrokerConnection _connection;
    private readonly Dictionary<(string Topic, int Partition), OpenBatch> _open = [];
    private readonly List<ValueTask<long>> _publishes = [];
    private readonly List<RecordHeader> _headers = [];

    public RedriveBatches(BrokerConnection connection) => _connection = connection;

    /// <summary>
    /// Adds <paramref name="message"/> for its fb-dlq-topic / fb-dlq-partition, without the fb-dlq-* headers;
    /// false (nothing added) when it lacks them.
    /// </summary>
    public bool TryAdd(in TopicMessage message)
    {
        string? topic = null;
        int partition = -1;
        _headers.Clear();
        var headers = message.Headers;
        var reader = new RecordHeaderReader(headers.Span);
        while (reader.TryReadNext(out var name, out var value))
        {
            // A redriven message is published again on purpose: its dedup id would make it a duplicate of itself.
            if (name.SequenceEqual(DedupId.NameUtf8))
            {
                continue;
            }
            if (!name.StartsWith(DeadLetterPrefix))
            {
                headers.Span.Overlaps(value, out int at);
                _headers.Add(new RecordHeader(Encoding.UTF8.GetString(name), headers.Slice(at, value.Length)));
            }
            else if (name.SequenceEqual("fb-dlq-topic"u8))
            {
                topic = Encoding.UTF8.GetString(value);
            }
            else if (name.SequenceEqual("fb-dlq-partition"u8) && !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out partition))
            {
                partition = -1;
            }
        }
        if (string.IsNullOrEmpty(topic) || partition < 0)
            return false;

        var key = (topic, partition);
        if (!_open.TryGetValue(key, out var open))
        {
            open = new OpenBatch(new RecordBatchBuilder());
            _open.Add(key, open);
        }
        var headerSpan = CollectionsMarshal.AsSpan(_headers);
        int size = RecordBatchBuilder.MeasureRecord(message.HasKey ? message.Key.Length : -1, headerSpan, message.Value.Length);
        if (open.Builder.RecordCount > 0 && (message.TimestampMs < open.FirstTimestampMs || open.Builder.Length + size > MaxBatchBytes))
            Publish(topic, partition, open);
        if (open.Builder.RecordCount == 0)
            open.FirstTimestampMs = message.TimestampMs;
        open.Builder.Append(message.TimestampMs, message.HasKey, message.Key.Span, headerSpan, message.Value.Span);
        return true;
    }

    /// <summary>Sends every open batch and waits until every batch sent is acknowledged; throws the first failure.</summary>
    public async ValueTask PublishAllAsync()
    {
        foreach (var ((topic, partition), open) in _open)
        {
            if (open.Builder.RecordCount > 0)
                Publish(topic, partition, open);
        }
        Exception? error = null;
        foreach (var publish in _publishes)
        {
            try
            {
                await publish.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Every publish is awaited before the first failure is reported, so none is left unobserved.
                error ??= e;
            }
        }
        _publishes.Clear();
        if (error is not null)
            throw error;
    }

    public void Dispose()
    {
        foreach (var open in _open.Values)
            open.Builder.Dispose();
        _open.Clear();
    }

    private void Publish(string topic, int partition, OpenBatch open)
    {
        // PublishAsync copies the batch before it returns, so the builder is free for reuse at once.
        _publishes.Add(_connection.PublishAsync(topic, partition, open.Builder.Seal()));
        open.Builder.Reset();
    }

    private sealed class OpenBatch(RecordBatchBuilder builder)
    {
        public RecordBatchBuilder Builder { get; } = builder;

        public long FirstTimestampMs { get; set; }
    }
}
