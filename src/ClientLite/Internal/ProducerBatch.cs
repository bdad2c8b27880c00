using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Internal;

/// <summary>
/// One batch of a producer and the completion of all its messages: every message's <see cref="ValueTask{T}"/>
/// points at this object with the record's index as token, so a message costs no allocation. Unlike
/// <see cref="ManualResetValueTaskSourceCore{TResult}"/> it serves many awaiters, and it is never reused, so a
/// late await still sees the right result.
/// </summary>
internal sealed class ProducerBatch : IValueTaskSource<long>
{
    private const int Pending = 0, Succeeded = 1, Faulted = 2;

    private readonly Lock _lock = new();
    private List<Continuation>? _continuations;
    private int _state;
    private long _baseOffset;
    private PublishDuplicate[]? _duplicates;
    private ExceptionDispatchInfo? _error;

    public ProducerBatch(int partition, long firstSequence, RecordBatchBuilder builder, long openedAt)
    {
        Partition = partition;
        FirstSequence = firstSequence;
        Builder = builder;
        OpenedAt = openedAt;
    }

    public int Partition { get; }

    public long FirstSequence { get; }

    /// <summary>Timestamp when the first record went in; linger counts from here.</summary>
    public long OpenedAt { get; }

    /// <summary>The open builder; null once the batch's frame has been queued on the connection.</summary>
    public RecordBatchBuilder? Builder { get; set; }

    /// <summary>Records in the batch, fixed when it is sealed.</summary>
    public int Count { get; set; }

    /// <summary>An idempotent batch's builder, kept from its first send until it is done so it can be resent.</summary>
    public RecordBatchBuilder? Sealed { get; set; }

    /// <summary>The sealed bytes (valid while <see cref="Sealed"/> holds them).</summary>
    public ReadOnlyMemory<byte> Bytes { get; set; }

    /// <summary>Timestamp of the first send; retries stop <see cref="ProducerOptions.DeliveryTimeout"/> after it.</summary>
    public long FirstSentAt { get; set; }

    /// <summary>Failed in a way a resend may fix; sent again once its partition has no request outstanding.</summary>
    public bool NeedsResend { get; set; }

    /// <summary>The batch is acknowledged: its stored records from <paramref name="baseOffset"/> on, consecutive, and
    /// <paramref name="duplicates"/> (ordered by record index; null when none) at the offsets stored before.</summary>
    public void Complete(long baseOffset, PublishDuplicate[]? duplicates = null)
    {
        _baseOffset = baseOffset;
        _duplicates = duplicates;
        Finish(Succeeded, null);
    }

    // A duplicate answers with its original offset; any other record moves down by the duplicates before it.
    private long OffsetOf(int index)
    {
        var duplicates = _duplicates;
        if (duplicates is null) return _baseOffset + index;
        int low = 0, high = duplicates.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (duplicates[middle].RecordIndex < index) low = middle + 1;
            else high = middle;
        }
        if (low < duplicates.Length && duplicates[low].RecordIndex == index) return duplicates[low].OriginalOffset;
        return _baseOffset + index - low;
    }

    public void Fail(Exception error) => Finish(Faulted, ExceptionDispatchInfo.Capture(error));

    public long GetResult(short token)
    {
        if (Volatile.Read(ref _state) == Succeeded)
            return OffsetOf((ushort)token);
        if (_error is not null)
            _error.Throw();
        throw new InvalidOperationException("The message has not been acknowledged yet.");
    }

    public ValueTaskSourceStatus GetStatus(short token) => Volatile.Read(ref _state) switch
    {
        Succeeded => ValueTaskSourceStatus.Succeeded,
        Faulted => _error?.SourceException is OperationCanceledException ? ValueTaskSourceStatus.Canceled : ValueTaskSourceStatus.Faulted,
        _ => ValueTaskSourceStatus.Pending,
    };

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        var entry = Continuation.Capture(continuation, state, flags);
        lock (_lock)
        {
            if (_state == Pending)
            {
                (_continuations ??= new List<Continuation>(Math.Max(Builder?.RecordCount ?? 1, 1))).Add(entry);
                return;
            }
        }
        // Completed between the awaiter's check and now: never run inline here, the awaiter's stack is still live.
        entry.Schedule();
    }

    private void Finish(int state, ExceptionDispatchInfo? error)
    {
        List<Continuation>? continuations;
        lock (_lock)
        {
            _error = error;
            Volatile.Write(ref _state, state);
            continuations = _continuations;
            _continuations = null;
        }
        if (continuations is null)
            return;
        // Finish runs on the producer's own completion task, not on the connection's receive loop, so running
        // plain continuations inline costs nobody else; captured contexts still get their own post.
        foreach (var continuation in continuations)
            continuation.Run();
    }

    private readonly record struct Continuation(Action<object?> Action, object? State, ExecutionContext? Context, SynchronizationContext? Scheduler)
    {
        public static Continuation Capture(Action<object?> action, object? state, ValueTaskSourceOnCompletedFlags flags)
        {
            var context = (flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0 ? ExecutionContext.Capture() : null;
            var scheduler = (flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0 ? SynchronizationContext.Current : null;
            if (scheduler is not null && scheduler.GetType() == typeof(SynchronizationContext))
                scheduler = null;
            return new Continuation(action, state, context, scheduler);
        }

        public void Run()
        {
            if (Scheduler is not null || Context is not null)
            {
                Schedule();
                return;
            }
            Action(State);
        }

        public void Schedule()
        {
            if (Scheduler is not null)
            {
                var self = this;
                Scheduler.Post(static s => ((Continuation)s!).Invoke(), self);
                return;
            }
            if (Context is not null)
            {
                ThreadPool.QueueUserWorkItem(static s => ((Continuation)s!).Invoke(), this);
                return;
            }
            ThreadPool.UnsafeQueueUserWorkItem(Action, State, preferLocal: false);
        }

        private void Invoke()
        {
            if (Context is null)
            {
                Action(State);
                return;
            }
            ExecutionContext.Run(Context, static s => { var (a, st) = ((Action<object?>, object?))s!; a(st); }, (Action, State));
        }
    }
}
