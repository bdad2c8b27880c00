using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.ClientLite;

/// <summary>
/// A consumer of one shared subscription (a queue): pulls messages with <see cref="ReceiveAsync"/>, has them pushed
/// with <see cref="SubscribeAsync"/> or handled with <see cref="ConsumeAsync"/>, and settles them with acks, nacks
/// and extends. Thread-safe: any number of receives, subscriptions and acks may run at once. It uses its
/// connection without owning it; it does not reconnect, so when the connection is lost every call fails with
/// <see cref="BrokerConnectionException"/> and the broker makes the messages that were in flight to it visible to
/// other consumers again.
/// </summary>
public sealed partial class QueueConsumer : IAsyncDisposable
{
    /// <summary>How long <see cref="ReceiveAsync"/> waits for messages by default, and at most: 20 s (as SQS).</summary>
    public static readonly TimeSpan MaxReceiveWait = TimeSpan.FromMilliseconds(Protocol.MaxReceiveWaitMs);

    private readonly BrokerConnection _connection;
    private readonly AckBatcher _acks;
    private readonly Lock _lock = new();
    private readonly List<PushSubscription> _pushes = [];
    private int _ackMode = -1;
    private bool _disposed;

    internal QueueConsumer(BrokerConnection connection, string topic, string subscription)
    {
        _connection = connection;
        Topic = topic;
        Subscription = subscription;
        TopicUtf8 = Encoding.UTF8.GetBytes(topic);
        SubscriptionUtf8 = Encoding.UTF8.GetBytes(subscription);
        _acks = new AckBatcher(this, connection);
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>The shared subscription (equal to <see cref="Topic"/> for a queue).</summary>
    public string Subscription { get; }

    /// <summary>The connection the consumer uses.</summary>
    public BrokerConnection Connection => _connection;

    internal byte[] TopicUtf8 { get; }

    internal byte[] SubscriptionUtf8 { get; }

    /// <summary>
    /// Receives up to <paramref name="maxMessages"/> (1 .. 10,000) messages, waiting up to <paramref name="wait"/>
    /// (0 .. 20 s; default 20 s) when none is visible, and returns as soon as any is: the list is empty only when
    /// the wait passed without one. Each message is in flight to this consumer for <paramref name="visibility"/>
    /// (1 ms .. 12 h; default: the subscription's visibility timeout) and must be acked before that, or it is
    /// delivered again. Messages come ordered by partition then offset. Canceling the call stops the wait, but
    /// messages the broker already sent are then held until their visibility timeout passes.
    /// </summary>
    public ValueTask<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages = 100, TimeSpan? wait = null, TimeSpan? visibility = null,
        CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (maxMessages < 1 || maxMessages > Protocol.MaxReceiveMessages)
            throw new ArgumentOutOfRangeException(nameof(maxMessages), maxMessages, $"A receive asks for 1 to {Protocol.MaxReceiveMessages} messages.");
        var waitFor = wait ?? MaxReceiveWait;
        if (waitFor < TimeSpan.Zero || waitFor > MaxReceiveWait)
            throw new ArgumentOutOfRangeException(nameof(wait), waitFor, $"A receive waits between 0 and {MaxReceiveWait}.");
        uint visibilityMs = visibility is { } v ? QueueLimits.ToMilliseconds(QueueLimits.CheckVisibility(v, nameof(visibility))) : 0;

        var pending = _connection.StartReceive(TopicUtf8, SubscriptionUtf8, (uint)maxMessages,
            (uint)(waitFor.Ticks / TimeSpan.TicksPerMillisecond), visibilityMs, cancellationToken);
        return CompleteReceiveAsync(pending);
    }

    /// <summary>
    /// Acks <paramref name="messages"/> (received by this consumer) in one frame, or together with other acks of
    /// this consumer. Completes when the broker has made the acks durable; see <see cref="QueueMessage.AckAsync"/>.
    /// </summary>
    public ValueTask AckAsync(ReadOnlySpan<QueueMessage> messages, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var message in messages)
            CheckOwn(message);
        return Wait(_acks.Add(messages), cancellationToken);
    }

    /// <summary>Acks <paramref name="messages"/>; see <see cref="AckAsync(ReadOnlySpan{QueueMessage}, CancellationToken)"/>.</summary>
    public ValueTask AckAsync(IEnumerable<QueueMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return AckAsync(new ReadOnlySpan<QueueMessage>([.. messages]), cancellationToken);
    }

    /// <summary>
    /// Nacks <paramref name="messages"/> in one frame: each becomes visible again after <paramref name="delay"/>
    /// (0 .. 12 h), its delivery count kept. Applies only to messages in flight to this connection. Completes when
    /// the broker has applied it.
    /// </summary>
    public ValueTask NackAsync(ReadOnlySpan<QueueMessage> messages, TimeSpan delay = default, CancellationToken cancellationToken = default)
    {
        QueueLimits.CheckDelay(delay, nameof(delay));
        return Settle(Opcode.Nack, messages, QueueLimits.ToMilliseconds(delay), settles: true, cancellationToken);
    }

    /// <summary>Nacks <paramref name="messages"/>; see <see cref="NackAsync(ReadOnlySpan{QueueMessage}, TimeSpan, CancellationToken)"/>.</summary>
    public ValueTask NackAsync(IEnumerable<QueueMessage> messages, TimeSpan delay = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return NackAsync(new ReadOnlySpan<QueueMessage>([.. messages]), delay, cancellationToken);
    }

    /// <summary>
    /// Keeps <paramref name="messages"/> hidden for <paramref name="visibility"/> (1 ms .. 12 h) from now, in one
    /// frame. Applies only to messages in flight to this connection.
    /// </summary>
    public ValueTask ExtendAsync(ReadOnlySpan<QueueMessage> messages, TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        QueueLimits.CheckVisibility(visibility, nameof(visibility));
        return Settle(Opcode.Extend, messages, QueueLimits.ToMilliseconds(visibility), settles: false, cancellationToken);
    }

    /// <summary>Extends <paramref name="messages"/>; see <see cref="ExtendAsync(ReadOnlySpan{QueueMessage}, TimeSpan, CancellationToken)"/>.</summary>
    public ValueTask ExtendAsync(IEnumerable<QueueMessage> messages, TimeSpan visibility, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return ExtendAsync(new ReadOnlySpan<QueueMessage>([.. messages]), visibility, cancellationToken);
    }

    /// <summary>
    /// Waits for the acks queued so far to be answered, ends this consumer's push subscriptions (their
    /// undelivered messages are nacked), and stops further use. The connection stays open.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        PushSubscription[] pushes;
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
            pushes = [.. _pushes];
            _pushes.Clear();
        }
        foreach (var push in pushes)
            await push.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _acks.WhenFlushed().ConfigureAwait(false);
        }
        catch (Exception e) when (e is BrokerException or BrokerConnectionException or TimeoutException)
        {
            // Each ack's own caller has seen this failure; disposing only waits for the acks to finish.
        }
    }

    internal ValueTask AckOne(QueueMessage message, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Wait(_acks.Add(new ReadOnlySpan<QueueMessage>(in message)), cancellationToken);
    }

    /// <summary>The ack of one message as a task, for loops that keep the previous ack's task to await later.</summary>
    internal Task AckForLater(QueueMessage message) => _acks.Add(new ReadOnlySpan<QueueMessage>(in message));

    internal void Forget(PushSubscription push)
    {
        lock (_lock)
            _pushes.Remove(push);
    }

    /// <summary>
    /// Nacks messages a push subscription received but never handed out, so others get them at once. Works while
    /// the consumer is being disposed, which is when it is needed most.
    /// </summary>
    internal ValueTask ReleaseAsync(List<QueueMessage> messages)
        => Settle(Opcode.Nack, CollectionsMarshal.AsSpan(messages), 0, settles: true, CancellationToken.None, checkDisposed: false);

    private ValueTask Settle(Opcode opcode, ReadOnlySpan<QueueMessage> messages, uint argument, bool settles, CancellationToken cancellationToken,
        bool checkDisposed = true)
    {
        if (checkDisposed)
            ObjectDisposedException.ThrowIf(_disposed, this);
        if (messages.IsEmpty)
            return ValueTask.CompletedTask;
        var ranges = new List<OffsetRange>(messages.Length);
        foreach (var message in messages)
        {
            CheckOwn(message);
            OffsetRanges.Add(ranges, message.Partition, message.Offset);
        }
        OffsetRanges.Normalize(ranges);
        return SettleAsync(opcode, ranges, argument, settles ? messages.ToArray() : null, cancellationToken);
    }

    private async ValueTask SettleAsync(Opcode opcode, List<OffsetRange> ranges, uint argument, QueueMessage[]? settled, CancellationToken cancellationToken)
    {
        int perFrame = _connection.MaxRangesPerSettle;
        var frames = new List<PendingRequest>(1);
        for (int start = 0; start < ranges.Count; start += perFrame)
        {
            frames.Add(_connection.StartSettle(opcode, TopicUtf8, SubscriptionUtf8, argument,
                CollectionsMarshal.AsSpan(ranges).Slice(start, Math.Min(perFrame, ranges.Count - start)), cancellationToken));
        }
        if (settled is not null)
            ReturnCredit(settled);

        Exception? error = null;
        foreach (var frame in frames)
        {
            try
            {
                await frame.WaitAsync().ConfigureAwait(false);
                _connection.ReadSettleResponse(frame);
            }
            catch (Exception e)
            {
                // Every frame is awaited and released before the first failure is reported.
                error ??= e;
            }
            finally
            {
                _connection.Release(frame);
            }
        }
        if (error is not null)
            throw error;
    }

    /// <summary>Gives back the push credit of messages just settled, after their frame was queued (see <see cref="AckBatcher"/>).</summary>
    private static void ReturnCredit(QueueMessage[] messages)
    {
        PushSubscription? last = null;
        int count = 0;
        foreach (var message in messages)
        {
            var push = message.TakeCredit();
            if (push is null)
                continue;
            if (push != last && last is not null)
            {
                last.OnSettled(count);
                count = 0;
            }
            last = push;
            count++;
        }
        last?.OnSettled(count);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<IReadOnlyList<QueueMessage>> CompleteReceiveAsync(PendingRequest pending)
    {
        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            var status = DeliveryDecoder.Decode(pending.BodySpan, this, null, out var messages, out string? problem);
            return status switch
            {
                DeliveryStatus.Ok => messages,
                DeliveryStatus.Malformed => throw _connection.CloseForViolation("a malformed Receive response"),
                _ => throw new BrokerException(ErrorCode.CorruptBatch, $"Receive from {Topic}/{Subscription} returned {problem}."),
            };
        }
        finally
        {
            _connection.Release(pending);
        }
    }

    private void CheckOwn(QueueMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Consumer != this && (message.Consumer.Connection != _connection || message.Consumer.Topic != Topic || message.Consumer.Subscription != Subscription))
            throw new ArgumentException($"Message {message} was received from {message.Consumer.Topic}/{message.Consumer.Subscription} on another connection, not by this consumer.", nameof(message));
    }

    private static ValueTask Wait(Task done, CancellationToken cancellationToken)
        => cancellationToken.CanBeCanceled && !done.IsCompleted ? new ValueTask(done.WaitAsync(cancellationToken)) : new ValueTask(done);
}
