using FastBroker.ClientLite;

namespace FastBroker.Load.Targets;

/// <summary>
/// One competing consumer of a FastBroker queue on its own connection: every consumer of the run reads every
/// partition, and each message is handled by one of them and acked after the handler saw it. Pull mode receives
/// up to a batch per long poll and acks the batch in one frame; push mode subscribes with the batch as prefetch
/// and acks each message after the handler (the client gathers acks into frames, as group commit does).
/// </summary>
/// <remarks>
/// A message counts when the handler sees it, as with the peers; its ack is sent right after and awaited before
/// the consumer returns, so a failed ack fails the run. A message delivered a second time (an ack that was lost
/// or came after the visibility timeout) fails the run too: it would be counted twice, and in a healthy run
/// with a 30 s visibility timeout it never happens.
/// </remarks>
internal sealed class FastBrokerQueueConsumer : IConsumer
{
    /// <summary>Long-poll wait of a pull: short, so that stopping never waits long, as Redis's BLOCK 100.</summary>
    public static readonly TimeSpan ReceiveWait = TimeSpan.FromMilliseconds(100);

    // How far a consumer may run ahead of its acks, in frames. ClientLite sends one Ack frame of a consumer at a
    // time and gathers the next meanwhile, so two are pending at most in practice; the bound is the backstop.
    private const int MaxPendingAcks = 4;

    private readonly BrokerConnection _connection;
    private readonly QueueConsumer _queue;
    private readonly QueueReceiveMode _mode;
    private readonly int _batch;
    private int _disposed;

    /// <summary>A consumer of <paramref name="queue"/>, which belongs to <paramref name="connection"/> (disposed with it).</summary>
    public FastBrokerQueueConsumer(BrokerConnection connection, QueueConsumer queue, QueueReceiveMode mode, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        _connection = connection;
        _queue = queue;
        _mode = mode;
        _batch = batch;
    }

    /// <inheritdoc/>
    public Task<long> ConsumeAsync(MessageHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return _mode == QueueReceiveMode.Pull ? PullAsync(handler, cancellationToken) : PushAsync(handler, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            await _queue.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            // Closing the connection releases whatever is still in flight to it, for other consumers.
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<long> PullAsync(MessageHandler handler, CancellationToken cancellationToken)
    {
        long handled = 0;
        var acks = new Queue<Task>(MaxPendingAcks + 1);
        Task? lastAck = null;
        // The next receive is asked for before the current batch is handled, so the broker fills it meanwhile (as
        // the peers' clients keep their next pull or prefetch going). Not canceled through the token: a canceled
        // receive leaves what the broker already sent in flight until its visibility timeout, and the short wait
        // ends the loop soon enough.
        ValueTask<IReadOnlyList<QueueMessage>>? next = _queue.ReceiveAsync(_batch, ReceiveWait);
        try
        {
            while (next is { } pending)
            {
                // Cleared before the await: a receive that fails must not be awaited a second time below.
                next = null;
                var messages = await pending.ConfigureAwait(false);
                next = cancellationToken.IsCancellationRequested ? null : _queue.ReceiveAsync(_batch, ReceiveWait);
                if (messages.Count == 0)
                    continue;
                // ReceiveAsync hands out an array; acking a slice of it needs no copy.
                var received = messages as QueueMessage[] ?? [.. messages];
                int seen = 0;
                bool more = true;
                while (seen < received.Length && more)
                {
                    var message = received[seen];
                    CheckFirstDelivery(message);
                    more = handler(message.Value.Span);
                    seen++;
                }
                handled += seen;

                var ack = _queue.AckAsync(received.AsSpan(0, seen)).AsTask();
                // Acks queued while a frame is answered share the next frame's task: count each frame once.
                if (ack != lastAck)
                {
                    acks.Enqueue(ack);
                    lastAck = ack;
                }
                await ObservePendingAcksAsync(acks).ConfigureAwait(false);
                if (!more)
                    break;
            }
        }
        finally
        {
            if (next is { } unused)
                await GiveBackAsync(unused).ConfigureAwait(false);
        }
        while (acks.TryDequeue(out var ackPending))
            await ackPending.ConfigureAwait(false);
        return handled;
    }

    /// <summary>Waits for a receive that is no longer wanted and nacks what it brought, so other consumers get it at
    /// once rather than when this connection closes. Best effort: the run is ending either way.</summary>
    private async ValueTask GiveBackAsync(ValueTask<IReadOnlyList<QueueMessage>> receive)
    {
        try
        {
            var left = await receive.ConfigureAwait(false);
            if (left.Count > 0)
                await _queue.NackAsync(left as QueueMessage[] ?? [.. left]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BrokerException or BrokerConnectionException or TimeoutException)
        {
            // The connection is failing or gone; closing it releases the messages anyway.
        }
    }

    /// <summary>Surfaces acks that already failed, and waits for the oldest while too many are unanswered.</summary>
    private static async ValueTask ObservePendingAcksAsync(Queue<Task> acks)
    {
        while (acks.TryPeek(out var oldest) && (oldest.IsCompleted || acks.Count > MaxPendingAcks))
        {
            _ = acks.Dequeue();
            await oldest.ConfigureAwait(false);
        }
    }

    private async Task<long> PushAsync(MessageHandler handler, CancellationToken cancellationToken)
    {
        PushSubscription push;
        try
        {
            push = await _queue.SubscribeAsync(new PushOptions { Prefetch = _batch }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }

        long handled = 0;
        var acks = new Queue<Task>(MaxPendingAcks + 1);
        Task? lastAck = null;
        // Disposing unsubscribes and nacks what was pushed but not handed out, so other consumers get it at once.
        await using (push.ConfigureAwait(false))
        {
            try
            {
                await foreach (var message in push.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (message.DeliveryCount > 1)
                    {
                        await message.NackAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
                        CheckFirstDelivery(message);
                    }
                    bool more = handler(message.Value.Span);
                    handled++;
                    // The ack of one message is its frame's task, shared by every ack gathered into that frame.
                    var ack = message.AckAsync(CancellationToken.None).AsTask();
                    if (ack != lastAck)
                    {
                        acks.Enqueue(ack);
                        lastAck = ack;
                    }
                    await ObservePendingAcksAsync(acks).ConfigureAwait(false);
                    if (!more)
                        break;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Cancellation is how the harness ends a consumer.
            }
            while (acks.TryDequeue(out var pending))
                await pending.ConfigureAwait(false);
        }
        return handled;
    }

    private static void CheckFirstDelivery(QueueMessage message)
    {
        if (message.DeliveryCount > 1)
        {
            throw new InvalidOperationException(
                $"message {message.Partition}@{message.Offset} was delivered {message.DeliveryCount} times: an ack was lost or came after the visibility timeout");
        }
    }
}
