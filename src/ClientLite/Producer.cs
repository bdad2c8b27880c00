using System.Text;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite;

/// <summary>
/// Batches messages per partition and publishes each batch as one request. <see cref="SendAsync(ReadOnlyMemory{byte}, ReadOnlyMemory{byte}?, int?, ReadOnlyMemory{RecordHeader}, CancellationToken)"/> is
/// thread-safe and allocates nothing per message (one completion object per batch serves all its messages).
/// Messages sent to one partition keep their order. A producer made by <see cref="ConnectAsync"/> owns its
/// connection and reconnects; one made by <see cref="BrokerConnection.CreateProducerAsync"/> does not.
/// </summary>
/// <remarks>
/// A message's task completes with its offset when the broker acknowledges its batch (durable under the
/// broker's fsync policy), or faults with the batch's error. An idempotent producer (<see cref="ProducerOptions.Idempotent"/>,
/// the default) resends a batch whose outcome is unknown or that a storage error refused, in order and with the same
/// sequence numbers, for up to <see cref="ProducerOptions.DeliveryTimeout"/>; the broker stores it once and answers
/// a resend with the original offset, so every message completes once with its one offset. A refused sequence
/// (<see cref="ErrorCode.OutOfOrderSequence"/>) or a newer instance of the producer (<see cref="ErrorCode.ProducerFenced"/>)
/// fails the batch with a <see cref="BrokerException"/> of that code. A non-idempotent producer does not retry.
/// Failures are also collected and reported by <see cref="FlushAsync"/>.
/// </remarks>
public sealed class Producer : IAsyncDisposable
{
    // The message's index travels as the ValueTask token, an unsigned 16-bit value here.
    private const int MaxRecordsPerBatch = ushort.MaxValue;
    private const int MaxPooledBuilders = 8;
    // As many batches as the broker remembers per producer and partition (PROTOCOL.md 5.7): a resend of any batch
    // still in flight is then recognised.
    private const int MaxIdempotentInFlight = 64;

    private BrokerConnection _connection;
    // Set for a producer that owns its connection (ConnectAsync): where it reconnects to.
    private readonly string? _endpoint;
    private readonly BrokerConnectionOptions? _connectionOptions;
    private readonly bool _idempotent;
    private readonly List<ProducerBatch>[] _unacked;
    private readonly int[] _requests;
    private long _producerId = -1;
    private short _epoch = -1;
    private bool _reconnecting;
    private bool _closed;
    private readonly byte[] _topic;
    private readonly ProducerOptions _options;
    private readonly TimeProvider _time;
    private readonly int _maxBatchBytes;
    private readonly long _lingerTicks;

    private readonly Lock _lock = new();
    private readonly ProducerBatch?[] _open;
    private readonly ITimer?[] _lingerTimers;
    private readonly long[] _nextSequence;
    private readonly Queue<ProducerBatch> _waitingToSend = new();
    private readonly Stack<RecordBatchBuilder> _builders = new();
    private readonly List<ProducerFailure> _failures = [];
    private readonly ExpirySpec _defaultExpiry;
    // Scratch for a record's headers plus its fb-expires and fb-deliver-at headers, used under the lock: no
    // allocation per message.
    private readonly byte[] _expiryValue = new byte[MessageExpiry.MaxValueBytes];
    private readonly byte[] _deliveryTimeValue = new byte[MessageDeliveryTime.MaxValueBytes];
    private RecordHeader[] _headerScratch = new RecordHeader[1];
    private int _inFlight;
    private int _unacknowledged;
    private int _sticky;
    private long _failedMessages;
    private TaskCompletionSource? _capacityFreed;
    private TaskCompletionSource? _drained;
    private bool _disposed;

    internal Producer(BrokerConnection connection, string topic, int partitionCount, ProducerOptions options, string? endpoint,
        BrokerConnectionOptions? connectionOptions = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxInFlightBatches, 1);
        if (options.Idempotent)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxInFlightBatches, MaxIdempotentInFlight, nameof(options.MaxInFlightBatches));
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.DeliveryTimeout, TimeSpan.Zero, nameof(options.DeliveryTimeout));
        }
        _endpoint = endpoint;
        _connectionOptions = connectionOptions;
        _idempotent = options.Idempotent;
        _unacked = new List<ProducerBatch>[partitionCount];
        for (int i = 0; i < partitionCount; i++)
            _unacked[i] = [];
        _requests = new int[partitionCount];
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchBytes, RecordBatchHeader.Size + 1);
        _connection = connection;
        Topic = topic;
        _topic = Encoding.UTF8.GetBytes(topic);
        _options = options;
        _time = connection.TimeProvider;
        PartitionCount = partitionCount;
        _maxBatchBytes = Math.Min(options.MaxBatchBytes, connection.MaxFrameBytes - 2 - _topic.Length - 4);
        _lingerTicks = (long)(options.Linger.TotalSeconds * _time.TimestampFrequency);
        _open = new ProducerBatch?[partitionCount];
        _lingerTimers = new ITimer?[partitionCount];
        _nextSequence = new long[partitionCount];
        _defaultExpiry = options.DefaultTimeToLive is { } ttl ? ExpirySpec.After(ttl, nameof(options.DefaultTimeToLive)) : ExpirySpec.None;
    }

    /// <summary>
    /// Connects to the broker at <paramref name="endpoint"/> ("host:port") and creates a producer for
    /// <paramref name="topic"/> that owns the connection: when it is lost, the producer reconnects with backoff and
    /// (when idempotent, the default) resends its unacknowledged batches, for up to
    /// <see cref="ProducerOptions.DeliveryTimeout"/>. Disposing the producer closes the connection.
    /// </summary>
    public static async ValueTask<Producer> ConnectAsync(string endpoint, string topic, ProducerOptions? options = null,
        BrokerConnectionOptions? connectionOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        options ??= ProducerOptions.Default;
        var connection = await BrokerConnection.ConnectAsync(endpoint, connectionOptions, cancellationToken).ConfigureAwait(false);
        try
        {
            var metadata = await connection.GetTopicMetadataAsync(topic, cancellationToken).ConfigureAwait(false);
            var producer = new Producer(connection, topic, metadata.PartitionCount, options, endpoint, connectionOptions);
            if (options.Idempotent)
                await producer.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return producer;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The producer id the broker gave this producer, or -1 when it is not idempotent.</summary>
    public long ProducerId => Volatile.Read(ref _producerId);

    /// <summary>Times the producer connected again after losing its connection.</summary>
    public int ReconnectCount { get; private set; }

    internal async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        var (id, epoch) = await _connection.InitProducerAsync(-1, -1, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _producerId = id;
            _epoch = epoch;
        }
    }

    /// <summary>The topic this producer publishes to.</summary>
    public string Topic { get; }

    /// <summary>Partitions of the topic when the producer was created.</summary>
    public int PartitionCount { get; }

    /// <summary>Messages whose batch failed since the producer was created.</summary>
    public long FailedMessageCount => Interlocked.Read(ref _failedMessages);

    /// <summary>
    /// Adds a message to its partition's open batch and returns, per message, the offset the broker gave it
    /// (the batch's base offset plus the message's index in it) once the batch is acknowledged. The partition
    /// is <paramref name="partition"/> when given, else <see cref="PartitionHash.ForKey"/> of the key, else the
    /// current round-robin partition (which moves on each time its batch is sent). The bytes are copied before
    /// this returns. When <see cref="ProducerOptions.MaxInFlightBatches"/> batches are unacknowledged the
    /// message joins its partition's open batch (sent when a slot frees), and waits for room only when that batch
    /// is full; <paramref name="cancellationToken"/> only cancels that wait. The message expires after
    /// <see cref="ProducerOptions.DefaultTimeToLive"/> when that is set. Throws <see cref="ArgumentException"/> for
    /// headers a record cannot hold (more than 65,535, or a name longer than 65,535 UTF-8 bytes) and
    /// <see cref="ArgumentOutOfRangeException"/> for a partition the topic does not have; nothing is queued then.
    /// </summary>
    public ValueTask<long> SendAsync(ReadOnlyMemory<byte> value, ReadOnlyMemory<byte>? key = null, int? partition = null,
        ReadOnlyMemory<RecordHeader> headers = default, CancellationToken cancellationToken = default)
        => SendAsync(value, key, partition, headers, _defaultExpiry, cancellationToken);

    /// <summary>
    /// As <see cref="SendAsync(ReadOnlyMemory{byte}, ReadOnlyMemory{byte}?, int?, ReadOnlyMemory{RecordHeader}, CancellationToken)"/>,
    /// for a message with a deduplication id (PROTOCOL.md section 6.8): it carries the header <c>fb-dedup-id</c>
    /// (<paramref name="dedupId"/> in UTF-8), placed before <paramref name="headers"/>. When a message with the same id
    /// was stored in the same partition within the topic's deduplication window, by any producer, this one is not
    /// stored and the returned offset is the one the first got. Ids are per partition: send the same id with the same
    /// key (or partition) every time. Throws <see cref="ArgumentException"/> unless the id is 1 to 128 UTF-8 bytes.
    /// </summary>
    public ValueTask<long> SendAsync(ReadOnlyMemory<byte> value, string dedupId, ReadOnlyMemory<byte>? key = null, int? partition = null,
        ReadOnlyMemory<RecordHeader> headers = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dedupId);
        byte[] id = Encoding.UTF8.GetBytes(dedupId);
        if (!DedupId.IsValid(id))
            throw new ArgumentException($"a dedup id is 1 to {DedupId.MaxBytes} UTF-8 bytes, not {id.Length}", nameof(dedupId));
        var all = new RecordHeader[headers.Length + 1];
        all[0] = new RecordHeader(DedupId.HeaderName, id);
        headers.Span.CopyTo(all.AsSpan(1));
        return SendAsync(value, key, partition, all, _defaultExpiry, cancellationToken);
    }

    /// <summary>
    /// As <see cref="SendAsync(ReadOnlyMemory{byte}, ReadOnlyMemory{byte}?, int?, ReadOnlyMemory{RecordHeader}, CancellationToken)"/>,
    /// for a message that expires at <paramref name="expiresAt"/> (to the millisecond): it carries the header
    /// <c>fb-expires</c> (PROTOCOL.md section 6.6), placed before <paramref name="headers"/> so it wins over one among
    /// them. From then on the broker does not deliver it to shared subscriptions or filtered fetches and readers skip
    /// it; it stays in the log until retention removes it. A time already past is allowed (the message is stored
    /// expired). Throws <see cref="ArgumentOutOfRangeException"/> for a time before the Unix epoch.
    /// </summary>
    public ValueTask<long> SendAsync(ReadOnlyMemory<byte> value, DateTimeOffset expiresAt, ReadOnlyMemory<byte>? key = null, int? partition = null,
        ReadOnlyMemory<RecordHeader> headers = default, CancellationToken cancellationToken = default)
        => SendAsync(value, key, partition, headers, ExpirySpec.At(expiresAt, nameof(expiresAt)), cancellationToken);

    /// <summary>
    /// As <see cref="SendAsync(ReadOnlyMemory{byte}, DateTimeOffset, ReadOnlyMemory{byte}?, int?, ReadOnlyMemory{RecordHeader}, CancellationToken)"/>,
    /// expiring <paramref name="timeToLive"/> (rounded up to a millisecond) after the message's timestamp, which the
    /// producer's clock gives when the message joins its batch. Overrides <see cref="ProducerOptions.DefaultTimeToLive"/>.
    /// Throws <see cref="ArgumentOutOfRangeException"/> unless it is positive.
    /// </summary>
    public ValueTask<long> SendAsync(ReadOnlyMemory<byte> value, TimeSpan timeToLive, ReadOnlyMemory<byte>? key = null, int? partition = null,
        ReadOnlyMemory<RecordHeader> headers = default, CancellationToken cancellationToken = default)
        => SendAsync(value, key, partition, headers, ExpirySpec.After(timeToLive, nameof(timeToLive)), cancellationToken);

    /// <summary>
    /// As <see cref="SendAsync(ReadOnlyMemory{byte}, ReadOnlyMemory{byte}?, int?, ReadOnlyMemory{RecordHeader}, CancellationToken)"/>,
    /// for a message that shared subscriptions deliver no earlier than <paramref name="deliverAt"/> (to the
    /// millisecond, by the broker's clock): it carries the header <c>fb-deliver-at</c> (PROTOCOL.md section 6.7),
    /// placed before <paramref name="headers"/> so it wins over one among them. Topic readers see it at once. A time
    /// already past is allowed (the message is delivered at once). <see cref="ProducerOptions.DefaultTimeToLive"/>
    /// still counts from the message's timestamp: a message that expires before its delivery time is never delivered.
    /// Throws <see cref="ArgumentOutOfRangeException"/> for a time before the Unix epoch.
    /// </summary>
    public ValueTask<long> SendDelayedAsync(ReadOnlyMemory<byte> value, DateTimeOffset deliverAt, ReadOnlyMemory<byte>? key = null, int? partition = null,
        ReadOnlyMemory<RecordHeader> headers = default, CancellationToken cancellationToken = default)
        => SendAsync(value, key, partition, headers, _defaultExpiry.DeliverAt(deliverAt, nameof(deliverAt)), cancellationToken);

    /// <summary>
    /// As <see cref="SendDelayedAsync(ReadOnlyMemory{byte}, DateTimeOffset, ReadOnlyMemory{byte}?, int?, ReadOnlyMemory{RecordHeader}, CancellationToken)"/>,
    /// delivered no earlier than <paramref name="delay"/> (rounded up to a millisecond) after the message's timestamp,
    /// which the producer's clock gives when the message joins its batch. Throws
    /// <see cref="ArgumentOutOfRangeException"/> for a negative delay.
    /// </summary>
    public ValueTask<long> SendDelayedAsync(ReadOnlyMemory<byte> value, TimeSpan delay, ReadOnlyMemory<byte>? key = null, int? partition = null,
        ReadOnlyMemory<RecordHeader> headers = default, CancellationToken cancellationToken = default)
        => SendAsync(value, key, partition, headers, _defaultExpiry.DeliverAfter(delay, nameof(delay)), cancellationToken);

    private ValueTask<long> SendAsync(ReadOnlyMemory<byte> value, ReadOnlyMemory<byte>? key, int? partition,
        ReadOnlyMemory<RecordHeader> headers, ExpirySpec expiry, CancellationToken cancellationToken)
    {
        if (partition is { } explicitPartition && (uint)explicitPartition >= (uint)PartitionCount)
            throw new ArgumentOutOfRangeException(nameof(partition), explicitPartition, $"The topic has {PartitionCount} partitions.");
        // Checked before a batch is opened for the record, so a record that cannot be encoded leaves nothing behind.
        if (!headers.IsEmpty && RecordBatchBuilder.HeadersProblem(headers.Span) is { } problem)
            throw new ArgumentException(problem, nameof(headers));
        if (expiry.IsSet && headers.Length > RecordBatchBuilder.MaxHeaders - expiry.HeaderCount)
            throw new ArgumentException($"a record with an expiry or delivery time holds at most {RecordBatchBuilder.MaxHeaders - expiry.HeaderCount} other headers", nameof(headers));
        int recordBytes = RecordBatchBuilder.MeasureRecord(key?.Length ?? -1, headers.Span, value.Length) - 4
                          + expiry.HeaderBytes;
        if (recordBytes > _connection.MaxMessageBytes)
        {
            return ValueTask.FromException<long>(new BrokerException(ErrorCode.MessageTooLarge,
                $"A record of {recordBytes} bytes (payload + key + headers + framing) exceeds the broker's message size limit of {_connection.MaxMessageBytes} bytes."));
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (HasRoomLocked(value, key, partition, headers, expiry))
                return AppendLocked(value, key, partition, headers, expiry);
        }
        return SendWhenRoomAsync(value, key, partition, headers, expiry, cancellationToken);
    }

    // Room means: below the in-flight limit, or the message's partition has no open batch yet or one that can still
    // take it. That is what batches a busy producer even with no linger: while the limit is reached, messages gather
    // in one open batch per partition, which goes out as soon as an acknowledgement frees a slot (see OnBatchDone).
    private bool HasRoomLocked(ReadOnlyMemory<byte> value, ReadOnlyMemory<byte>? key, int? partition, ReadOnlyMemory<RecordHeader> headers, ExpirySpec expiry)
    {
        if (_unacknowledged < _options.MaxInFlightBatches)
            return true;
        int p = PartitionFor(key, partition);
        var open = _open[p];
        return open is null
               || open.Builder!.RecordCount < MaxRecordsPerBatch
               && open.Builder.Length + RecordBatchBuilder.MeasureRecord(key?.Length ?? -1, headers.Span, value.Length)
               + expiry.HeaderBytes <= _maxBatchBytes;
    }

    private int PartitionFor(ReadOnlyMemory<byte>? key, int? partition)
        => partition ?? (key is { } k ? PartitionHash.ForKey(k.Span, PartitionCount) : _sticky);

    /// <summary>
    /// Sends every open batch and waits until no batch is unacknowledged (messages sent meanwhile may extend the
    /// wait). Throws <see cref="ProducerException"/> listing the batches that failed since the previous flush.
    /// </summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        Task? drained = SealAllAndWatch();
        if (drained is not null)
            await drained.WaitAsync(cancellationToken).ConfigureAwait(false);

        ProducerFailure[]? failures = null;
        lock (_lock)
        {
            if (_failures.Count > 0)
            {
                failures = _failures.ToArray();
                _failures.Clear();
            }
        }
        if (failures is not null)
            throw new ProducerException(failures);
    }

    /// <summary>
    /// Sends the open batches, waits for every outstanding batch and releases the producer's buffers. Failures
    /// are not thrown here; call <see cref="FlushAsync"/> first to observe them.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Task? drained = SealAllAndWatch();
        lock (_lock)
            _disposed = true;
        if (drained is not null)
            await drained.ConfigureAwait(false);
        foreach (var timer in _lingerTimers)
        {
            if (timer is not null)
                await timer.DisposeAsync().ConfigureAwait(false);
        }
        BrokerConnection? owned;
        lock (_lock)
        {
            _closed = true;
            while (_builders.Count > 0)
                _builders.Pop().Dispose();
            owned = _endpoint is null ? null : _connection;
        }
        if (owned is not null)
            await owned.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask<long> SendWhenRoomAsync(ReadOnlyMemory<byte> value, ReadOnlyMemory<byte>? key, int? partition,
        ReadOnlyMemory<RecordHeader> headers, ExpirySpec expiry, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task? room = null;
            ValueTask<long> sent = default;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (HasRoomLocked(value, key, partition, headers, expiry))
                {
                    sent = AppendLocked(value, key, partition, headers, expiry);
                }
                else
                {
                    room = (_capacityFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }
            }
            if (room is null)
                return await sent.ConfigureAwait(false);
            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask<long> AppendLocked(ReadOnlyMemory<byte> value, ReadOnlyMemory<byte>? key, int? partition, ReadOnlyMemory<RecordHeader> headers, ExpirySpec expiry)
    {
        int p = PartitionFor(key, partition);
        long timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var recordHeaders = expiry.IsSet ? WithExpiryLocked(headers.Span, expiry, timestamp) : headers.Span;
        int recordSize = RecordBatchBuilder.MeasureRecord(key?.Length ?? -1, recordHeaders, value.Length);

        var batch = _open[p];
        if (batch is not null && batch.Builder!.Length + recordSize > _maxBatchBytes)
        {
            SealLocked(p);
            batch = null;
        }
        if (batch is null)
        {
            batch = new ProducerBatch(p, _nextSequence[p], RentBuilder(), _time.GetTimestamp());
            _open[p] = batch;
            if (_lingerTicks > 0)
                ArmLinger(p, _options.Linger);
        }

        var builder = batch.Builder!;
        int index = builder.RecordCount;
        builder.Append(timestamp, key.HasValue, key.HasValue ? key.GetValueOrDefault().Span : default, recordHeaders, value.Span);
        if (expiry.IsSet)
            Array.Clear(_headerScratch); // the caller's header values must not stay reachable from the producer
        _nextSequence[p]++;
        var result = new ValueTask<long>(batch, unchecked((short)index));

        bool full = builder.Length >= _maxBatchBytes || builder.RecordCount >= MaxRecordsPerBatch;
        if (full || (_lingerTicks <= 0 && _unacknowledged < _options.MaxInFlightBatches))
            SealLocked(p);
        return result;
    }

    /// <summary>The record's headers with <c>fb-expires</c> and <c>fb-deliver-at</c> first (readers take the first
    /// valid one), in the producer's scratch.</summary>
    private ReadOnlySpan<RecordHeader> WithExpiryLocked(ReadOnlySpan<RecordHeader> headers, ExpirySpec spec, long timestampMs)
    {
        int count = headers.Length + spec.HeaderCount;
        if (_headerScratch.Length < count)
            _headerScratch = new RecordHeader[count];
        int at = 0;
        if (spec.HasExpiry)
        {
            int written = MessageExpiry.FormatValue(spec.Resolve(timestampMs), _expiryValue);
            _headerScratch[at++] = new RecordHeader(MessageExpiry.HeaderName, _expiryValue.AsMemory(0, written));
        }
        if (spec.HasDeliveryTime)
        {
            int written = MessageDeliveryTime.FormatValue(spec.ResolveDeliveryTime(timestampMs), _deliveryTimeValue);
            _headerScratch[at++] = new RecordHeader(MessageDeliveryTime.HeaderName, _deliveryTimeValue.AsMemory(0, written));
        }
        headers.CopyTo(_headerScratch.AsSpan(at));
        return _headerScratch.AsSpan(0, count);
    }

    private void ArmLinger(int partition, TimeSpan delay)
    {
        var timer = _lingerTimers[partition] ??= _time.CreateTimer(
            static s => ((LingerState)s!).Producer.OnLinger(((LingerState)s).Partition),
            new LingerState(this, partition), Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void OnLinger(int partition)
    {
        lock (_lock)
        {
            var batch = _open[partition];
            if (batch is null)
                return;
            // The timer may have been armed for an earlier batch of this partition: wait out this one's own linger.
            long remaining = batch.OpenedAt + _lingerTicks - _time.GetTimestamp();
            if (remaining > 0)
            {
                ArmLinger(partition, TimeSpan.FromSeconds((double)remaining / _time.TimestampFrequency));
                return;
            }
            SealLocked(partition);
        }
    }

    /// <summary>Closes the partition's open batch and sends it, or queues it while the in-flight limit is reached.</summary>
    private void SealLocked(int partition)
    {
        var batch = _open[partition];
        if (batch is null)
            return;
        _open[partition] = null;
        batch.Count = batch.Builder!.RecordCount;
        _unacknowledged++;
        if (_idempotent)
            _unacked[partition].Add(batch);
        if (partition == _sticky)
            _sticky = (_sticky + 1) % PartitionCount;
        if (_inFlight < _options.MaxInFlightBatches)
            SendLocked(batch);
        else
            _waitingToSend.Enqueue(batch);
    }

    private void SendLocked(ProducerBatch batch)
    {
        var builder = batch.Builder!;
        batch.Builder = null;
        batch.FirstSentAt = _time.GetTimestamp();
        _inFlight++;
        if (_idempotent)
        {
            // Kept until the batch is done: a resend sends the very same bytes, sequence numbers included.
            batch.Bytes = builder.Seal(_producerId, _epoch, (int)(batch.FirstSequence % ((long)int.MaxValue + 1)));
            batch.Sealed = builder;
            TransmitLocked(batch);
            return;
        }
        PendingRequest? pending = null;
        Exception? error = null;
        try
        {
            pending = _connection.StartPublish(_topic, batch.Partition, builder.Seal().Span, CancellationToken.None);
        }
        catch (ArgumentException e)
        {
            error = e;
        }
        ReturnBuilder(builder);
        _requests[batch.Partition]++;
        _ = AwaitAcknowledgementAsync(batch, _connection, pending, error);
    }

    // Sends an idempotent batch (again); while reconnecting it waits for the new connection instead.
    private void TransmitLocked(ProducerBatch batch)
    {
        if (_reconnecting)
        {
            batch.NeedsResend = true;
            return;
        }
        PendingRequest? pending = null;
        Exception? error = null;
        try
        {
            pending = _connection.StartPublish(_topic, batch.Partition, batch.Bytes.Span, CancellationToken.None);
        }
        catch (ArgumentException e)
        {
            error = e;
        }
        _requests[batch.Partition]++;
        _ = AwaitAcknowledgementAsync(batch, _connection, pending, error);
    }

    private async Task AwaitAcknowledgementAsync(ProducerBatch batch, BrokerConnection connection, PendingRequest? pending, Exception? error)
    {
        long baseOffset = 0;
        PublishDuplicate[]? duplicates = null;
        var acknowledged = pending?.WaitAsync() ?? default;
        // Started under the producer's lock: an answer already there (a closed connection) must not complete
        // the messages' awaiters inline, under that lock.
        if (pending is null || acknowledged.IsCompleted)
            await Task.Yield();
        if (pending is not null)
        {
            try
            {
                await acknowledged.ConfigureAwait(false);
                baseOffset = connection.ReadPublishResponse(pending, out duplicates);
            }
            catch (Exception e)
            {
                // Every way a publish can end badly ends the same: the batch's messages fault with the cause.
                error = e;
            }
            finally
            {
                connection.Release(pending);
            }
        }

        // A storage error may persist for a while: the resend waits a little rather than spin.
        if (error is BrokerException { Code: ErrorCode.StorageError or ErrorCode.PartitionUnavailable or ErrorCode.DiskFull or ErrorCode.InternalError }
            && _idempotent)
            await Task.Delay(_options.InitialReconnectBackoff, _time).ConfigureAwait(false);

        bool retried;
        lock (_lock)
            retried = RetryLocked(batch, connection, error);
        if (retried)
            return;

        if (error is null)
        {
            batch.Complete(baseOffset, duplicates);
        }
        else
        {
            Interlocked.Add(ref _failedMessages, batch.Count);
            batch.Fail(error);
        }
        OnBatchDone(batch, error);
    }

    /// <summary>
    /// Called as each request of a batch ends: true when the batch is to be sent again (it then waits until its
    /// partition has no request outstanding, so resends go out in sequence order).
    /// </summary>
    private bool RetryLocked(ProducerBatch batch, BrokerConnection connection, Exception? error)
    {
        int p = batch.Partition;
        _requests[p]--;
        if (error is null || !_idempotent || _closed || !IsRetriable(batch, error)
            || _time.GetElapsedTime(batch.FirstSentAt) >= _options.DeliveryTimeout)
            return false;
        batch.NeedsResend = true;
        if (IsConnectionLoss(error) && connection == _connection && !_reconnecting)
        {
            _reconnecting = true;
            _ = ReconnectAsync(error);
        }
        ResendLocked(p);
        return true;
    }

    private bool IsRetriable(ProducerBatch batch, Exception error) => error switch
    {
        _ when IsConnectionLoss(error) => _endpoint is not null,
        BrokerException { Code: ErrorCode.StorageError or ErrorCode.PartitionUnavailable or ErrorCode.DiskFull or ErrorCode.InternalError } => true,
        // Refused because an earlier batch of the partition is still to be (re)sent: it follows that one.
        BrokerException { Code: ErrorCode.OutOfOrderSequence } => _unacked[batch.Partition].Count > 0 && _unacked[batch.Partition][0] != batch,
        _ => false,
    };

    private static bool IsConnectionLoss(Exception e)
        // A stopping broker answers ShuttingDown, then closes: the same as a lost connection.
        => e is BrokerConnectionException or TimeoutException or ObjectDisposedException or BrokerException { Code: ErrorCode.ShuttingDown };

    private void ResendLocked(int partition)
    {
        if (_reconnecting || _requests[partition] > 0)
            return;
        foreach (var batch in _unacked[partition])
        {
            if (!batch.NeedsResend)
                continue;
            batch.NeedsResend = false;
            TransmitLocked(batch);
        }
    }

    private async Task ReconnectAsync(Exception cause)
    {
        BrokerConnection old;
        lock (_lock)
            old = _connection;
        await old.DisposeAsync().ConfigureAwait(false);

        long began = _time.GetTimestamp();
        var backoff = _options.InitialReconnectBackoff;
        var last = cause;
        BrokerConnection? connected = null;
        while (connected is null && _time.GetElapsedTime(began) < _options.DeliveryTimeout)
        {
            // Jitter keeps many producers that lost the same broker from reconnecting in lockstep.
            var delay = backoff * (0.5 + Random.Shared.NextDouble() * 0.5);
            await Task.Delay(delay, _time).ConfigureAwait(false);
            try
            {
                connected = await BrokerConnection.ConnectAsync(_endpoint!, _connectionOptions).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Refused, unreachable, or at its connection limit: all the same here, tried again until the timeout.
                last = e;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxReconnectBackoff.Ticks));
        }

        List<ProducerBatch>? abandoned = null;
        lock (_lock)
        {
            _reconnecting = false;
            if (connected is not null && !_closed)
            {
                _connection = connected;
                ReconnectCount++;
                for (int p = 0; p < _unacked.Length; p++)
                    ResendLocked(p);
                return;
            }
            // Gave up: every batch waiting for the connection fails with why it could not be sent.
            abandoned = [];
            foreach (var list in _unacked)
            {
                foreach (var batch in list)
                {
                    if (!batch.NeedsResend)
                        continue;
                    batch.NeedsResend = false;
                    abandoned.Add(batch);
                }
            }
            _closed = true;
        }
        if (connected is not null)
            await connected.DisposeAsync().ConfigureAwait(false);
        var error = new BrokerConnectionException($"Could not reconnect to {_endpoint} within {_options.DeliveryTimeout}: {last.Message}", last);
        foreach (var batch in abandoned)
        {
            Interlocked.Add(ref _failedMessages, batch.Count);
            batch.Fail(error);
            OnBatchDone(batch, error);
        }
    }

    private void OnBatchDone(ProducerBatch batch, Exception? error)
    {
        TaskCompletionSource? room = null, drained = null;
        lock (_lock)
        {
            if (error is not null)
                _failures.Add(new ProducerFailure(batch.Partition, batch.FirstSequence, batch.Count, error));
            if (batch.Sealed is { } kept)
            {
                batch.Sealed = null;
                batch.Bytes = default;
                ReturnBuilder(kept);
            }
            if (_idempotent)
                _unacked[batch.Partition].Remove(batch);
            _inFlight--;
            _unacknowledged--;
            while (_inFlight < _options.MaxInFlightBatches && _waitingToSend.Count > 0)
                SendLocked(_waitingToSend.Dequeue());
            // Without linger, batches that gathered while the limit was reached go out as slots free up.
            for (int p = 0; p < _open.Length && _lingerTicks <= 0 && _unacknowledged < _options.MaxInFlightBatches; p++)
                SealLocked(p);
            if (_idempotent)
                ResendLocked(batch.Partition);
            if (_unacknowledged < _options.MaxInFlightBatches)
                (room, _capacityFreed) = (_capacityFreed, null);
            if (_unacknowledged == 0)
                (drained, _drained) = (_drained, null);
        }
        room?.TrySetResult();
        drained?.TrySetResult();
    }

    private Task? SealAllAndWatch()
    {
        lock (_lock)
        {
            for (int p = 0; p < _open.Length; p++)
                SealLocked(p);
            return _unacknowledged == 0
                ? null
                : (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    private RecordBatchBuilder RentBuilder() => _builders.Count > 0 ? _builders.Pop() : new RecordBatchBuilder();

    private void ReturnBuilder(RecordBatchBuilder builder)
    {
        builder.Reset();
        if (_builders.Count < (_idempotent ? MaxIdempotentInFlight : MaxPooledBuilders) && !_disposed)
            _builders.Push(builder);
        else
            builder.Dispose();
    }

    private sealed record LingerState(Producer Producer, int Partition);
}
