using System.Runtime.InteropServices;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.ClientLite.Internal;

/// <summary>
/// Coalesces one consumer's acks into as few Ack frames as possible, as group commit does: while no Ack frame of
/// this consumer is waiting for its answer, an ack leaves at once; while one is, acks gather (merged into ranges)
/// and leave together in the next frame the moment the answer arrives. Every ack in a frame completes with that
/// frame's answer, through one shared completion per frame rather than one per message. Thread-safe.
/// </summary>
internal sealed class AckBatcher
{
    private readonly QueueConsumer _consumer;
    private readonly BrokerConnection _connection;
    private readonly Lock _lock = new();
    private List<OffsetRange> _gathering = [];
    private List<OffsetRange> _spare = [];
    private List<PushCredit> _credits = [];
    private List<PushCredit> _spareCredits = [];
    private TaskCompletionSource? _gatheringDone;
    private Task? _sendingDone;
    private bool _flushing;

    // Touched only by the one running flush loop.
    private readonly List<PendingRequest> _frames = [];

    public AckBatcher(QueueConsumer consumer, BrokerConnection connection)
    {
        _consumer = consumer;
        _connection = connection;
    }

    /// <summary>Queues acks of <paramref name="messages"/>; the task completes when the frame carrying them is answered.</summary>
    public Task Add(ReadOnlySpan<QueueMessage> messages)
    {
        if (messages.IsEmpty)
            return Task.CompletedTask;
        Task done;
        bool start;
        lock (_lock)
        {
            foreach (var message in messages)
            {
                OffsetRanges.Add(_gathering, message.Partition, message.Offset);
                if (message.TakeCredit() is { } push)
                    AddCreditLocked(push);
            }
            done = (_gatheringDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            start = !_flushing;
            _flushing = true;
        }
        if (start)
            _ = FlushLoopAsync();
        return done;
    }

    /// <summary>Completes when every ack queued so far has been answered (whatever the answer).</summary>
    public Task WhenFlushed()
    {
        lock (_lock)
            return _gatheringDone?.Task ?? _sendingDone ?? Task.CompletedTask;
    }

    private void AddCreditLocked(PushSubscription push)
    {
        // A consumer rarely has more than one push subscription, so a scan beats a dictionary here.
        var credits = CollectionsMarshal.AsSpan(_credits);
        for (int i = 0; i < credits.Length; i++)
        {
            if (credits[i].Push == push)
            {
                credits[i].Count++;
                return;
            }
        }
        _credits.Add(new PushCredit { Push = push, Count = 1 });
    }

    /// <summary>Sends what has gathered, waits for the answer, and repeats until nothing gathered meanwhile.</summary>
    private async Task FlushLoopAsync()
    {
        while (true)
        {
            List<OffsetRange> ranges;
            List<PushCredit> credits;
            TaskCompletionSource done;
            lock (_lock)
            {
                if (_gathering.Count == 0)
                {
                    _flushing = false;
                    _sendingDone = null;
                    return;
                }
                (ranges, _gathering, _spare) = (_gathering, _spare, null!);
                (credits, _credits, _spareCredits) = (_credits, _spareCredits, null!);
                done = _gatheringDone!;
                _gatheringDone = null;
                _sendingDone = done.Task;
            }

            Exception? error = null;
            try
            {
                OffsetRanges.Normalize(ranges);
                int perFrame = _connection.MaxRangesPerSettle;
                for (int start = 0; start < ranges.Count; start += perFrame)
                {
                    var chunk = CollectionsMarshal.AsSpan(ranges).Slice(start, Math.Min(perFrame, ranges.Count - start));
                    _frames.Add(_connection.StartSettle(Opcode.Ack, _consumer.TopicUtf8, _consumer.SubscriptionUtf8, 0, chunk, CancellationToken.None));
                }
                // Credit is returned only now that the Ack frames are queued: a Credit frame leaves behind them, so
                // the broker never counts more unsettled messages to a push subscription than its prefetch.
                foreach (var credit in credits)
                    credit.Push.OnSettled(credit.Count);
                foreach (var frame in _frames)
                {
                    try
                    {
                        await frame.WaitAsync().ConfigureAwait(false);
                        _connection.ReadSettleResponse(frame);
                    }
                    catch (Exception e)
                    {
                        // Every frame is awaited and released; the first failure is what the callers see.
                        error ??= e;
                    }
                    finally
                    {
                        _connection.Release(frame);
                    }
                }
            }
            finally
            {
                _frames.Clear();
                ranges.Clear();
                credits.Clear();
                lock (_lock)
                {
                    _spare = ranges;
                    _spareCredits = credits;
                }
            }

            if (error is null)
                done.TrySetResult();
            else
                done.TrySetException(error);
        }
    }

    private struct PushCredit
    {
        public PushSubscription Push;
        public int Count;
    }
}
