using System.Globalization;
using System.Text;
using FastBroker.Server.Durability;
using FastBroker.Server.Topics;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Subscriptions;

internal sealed partial class SharedSubscription : IPublishCompletion, IGroupCommitter<DeadLetterItem>
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    // Dead letters are rare: a small group, each item moved in turn.
    private const int MaxMoveGroup = 64;

    private readonly GroupCommitLoop<DeadLetterItem> _mover;
    private readonly Dictionary<uint, DeadLetterItem> _moving = new();
    private TaskCompletionSource? _movesDone;
    private uint _nextMove;

    // Cancels a mover waiting for the topic registry, which may be deleting this very topic and waiting for us.
    private readonly CancellationTokenSource _moverStop = new();

    /// <summary>The dead-letter mover (tests inject failures through it).</summary>
    internal GroupCommitLoop<DeadLetterItem> Mover => _mover;

    // One message at a time, off every hot path: dead letters are rare, and copying them in order keeps the
    // dead-letter topic in the order the messages gave up. A move that fails for a known reason is retried later.
    async ValueTask IGroupCommitter<DeadLetterItem>.CommitGroupAsync(DeadLetterItem[] group, int count)
    {
        // Per group, not per subscription: an idle subscription holds no batch buffer.
        using var builder = new RecordBatchBuilder();
        for (int i = 0; i < count; i++)
        {
            var item = group[i];
            string? failure;
            try
            {
                failure = await TryMoveAsync(item, builder).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The topic is being deleted under us: what is left of it goes with it.
                return;
            }
            if (failure is null) continue;
            SubscriptionsLog.DeadLetterFailed(_context.Logger, _topic.Name, item.Partition, item.Offset, Settings.DeadLetterTopic, failure);
            Retry(item);
        }
    }

    void IGroupCommitter<DeadLetterItem>.Tick()
    {
    }

    // Nobody waits on a move: the message stays parked out of delivery until a restart clears the mover's failure
    // (its delivery count is durable, so it comes back with it). The failure shows in the subscription's stats.
    void IGroupCommitter<DeadLetterItem>.Fail(in DeadLetterItem item, string failure)
    {
    }

    long IGroupCommitter<DeadLetterItem>.WeightOf(in DeadLetterItem item) => 0;

    private void Retry(DeadLetterItem item)
    {
        if (_closed) return;
        _ = Task.Delay(RetryDelay, _context.Time).ContinueWith(
            static (_, s) => { var (self, again) = ((SharedSubscription, DeadLetterItem))s!; self._mover.TryEnqueue(again); },
            (this, item), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async ValueTask<string?> TryMoveAsync(DeadLetterItem item, RecordBatchBuilder builder)
    {
        if (_topic.Deleted) return null;
        if (!_context.Topics.TryGet(Settings.DeadLetterTopic, out var dlq))
        {
            var (code, message, created) = await _context.Topics.CreateAsync(Settings.DeadLetterTopic, 1, existingIsOk: true, _moverStop.Token).ConfigureAwait(false);
            if (code != ErrorCode.None) return message;
            dlq = created!;
        }
        if (!_topic.Partitions[item.Partition].TryGetJournal(out var journal, out string failure)) return failure;
        // Retention deleted it before it could be copied: the subscription drops it (counted as expired), not the mover.
        if (item.Offset < journal.StartOffset) return null;

        byte[] source = BatchBuffers.Pool.Rent(_context.MaxFrameBytes);
        try
        {
            var read = journal.Read(item.Offset, source);
            if (read.BytesWritten == 0) return $"offset {item.Offset} could not be read";
            if (!TryCopyRecord(source.AsSpan(0, read.BytesWritten), item, builder)) return $"offset {item.Offset} is not in its batch";
        }
        catch (Exception ex) when (ex is IOException or ArgumentOutOfRangeException or ObjectDisposedException or Journal.JournalCorruptedException)
        {
            return ex.Message;
        }
        finally
        {
            BatchBuffers.Pool.Return(source);
        }

        var batch = builder.Seal();
        byte[] buffer = BatchBuffers.Pool.Rent(batch.Length);
        batch.Span.CopyTo(buffer);
        var target = dlq.Partitions[item.Partition % dlq.Partitions.Length];
        uint id;
        lock (_moving)
        {
            id = ++_nextMove;
            _moving[id] = item;
        }
        if (!target.TryEnqueue(new AppendRequest(this, id, buffer, batch.Length, Deduplicate: false)))
        {
            BatchBuffers.Pool.Return(buffer);
            FinishMove(id);
            return "the dead-letter topic is closing";
        }
        return null;
    }

    private bool TryCopyRecord(ReadOnlySpan<byte> batches, DeadLetterItem item, RecordBatchBuilder builder)
    {
        var reader = new RecordBatchReader(batches[..(int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(batches[RecordBatchHeader.LengthPosition..])]);
        while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
        {
            if (record.Offset != item.Offset) continue;
            var headers = new List<RecordHeader>(record.HeaderCount + 6);
            var existing = new RecordHeaderReader(record.Headers);
            while (existing.TryReadNext(out var name, out var value))
            {
                // The copy of an expired message would be expired on arrival: it loses its expiry time.
                if (item.Expired && name.SequenceEqual("fb-expires"u8)) continue;
                headers.Add(new RecordHeader(Encoding.UTF8.GetString(name), value.ToArray()));
            }
            headers.Add(Header(DeadLetterHeaders.SourceTopic, _topic.Name));
            headers.Add(Header(DeadLetterHeaders.SourceSubscription, Name));
            headers.Add(Header(DeadLetterHeaders.SourcePartition, item.Partition.ToString(CultureInfo.InvariantCulture)));
            headers.Add(Header(DeadLetterHeaders.SourceOffset, item.Offset.ToString(CultureInfo.InvariantCulture)));
            headers.Add(Header(DeadLetterHeaders.DeliveryCount, item.Deliveries.ToString(CultureInfo.InvariantCulture)));
            headers.Add(Header(DeadLetterHeaders.Reason, item.Expired ? DeadLetterHeaders.ExpiredReason : DeadLetterHeaders.MaxDeliveriesReason));
            builder.Reset();
            builder.Append(record.Timestamp, record.HasKey, record.Key, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(headers), record.Value);
            return true;
        }
        return false;
    }

    private static RecordHeader Header(string name, string value) => new(name, Encoding.UTF8.GetBytes(value));

    // Moves handed to the dead-letter partition complete on its loop, which outlives this subscription at shutdown:
    // closing waits for them, so each one's record reaches the ack log (else the message would be in the
    // dead-letter topic and delivered again after the restart).
    private Task WaitForMovesAsync()
    {
        lock (_moving)
        {
            if (_moving.Count == 0) return Task.CompletedTask;
            _movesDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _movesDone.Task;
        }
    }

    private void FinishMove(uint id)
    {
        lock (_moving)
        {
            _moving.Remove(id);
            if (_moving.Count == 0) _movesDone?.TrySetResult();
        }
    }

    void IPublishCompletion.PublishSucceeded(uint requestId, long baseOffset, int batchBytes)
    {
        DeadLetterItem item;
        lock (_moving)
        {
            if (!_moving.TryGetValue(requestId, out item)) return;
        }
        var state = _states[item.Partition];
        lock (state.Gate)
        {
            long floor = state.Floor;
            state.CompleteDeadLetter(item.Offset);
            _log.TryAppend(new AckLogEntry(AckRecordKind.DeadLettered, item.Partition, item.Offset, item.Deliveries));
            NoteFloorLocked(item.Partition, state, floor);
        }
        FinishMove(requestId);
        SubscriptionsLog.DeadLettered(_context.Logger, _topic.Name, item.Partition, item.Offset, Settings.DeadLetterTopic, item.Deliveries, Name);
        Wake();
    }

    void IPublishCompletion.PublishFailed(uint requestId, ErrorCode code, string message, int batchBytes)
    {
        DeadLetterItem item;
        lock (_moving)
        {
            if (!_moving.TryGetValue(requestId, out item)) return;
        }
        FinishMove(requestId);
        SubscriptionsLog.DeadLetterFailed(_context.Logger, _topic.Name, item.Partition, item.Offset, Settings.DeadLetterTopic, message);
        Retry(item);
    }
}
