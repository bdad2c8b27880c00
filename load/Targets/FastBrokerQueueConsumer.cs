using FastBroker.ClientLite;

namespace FastBroker.Load.Targets;

/// <summary>
/// One competing consumer of a FastBroker queue on its own connection: every consumer of the run reads every
/// partition, and each message is handled by one of them and acked after the handler saw it. Pull mode receives
/// up to a batch per long poll and acks the batch in one frame; push mode subscribes with the batch as prefetch
/// and acks each message after the handler (the client gathers acks into frames, as group commit does). In a
/// routed run a consumer reads every route's subscription, as a RabbitMQ consumer reads every queue.
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
    private readonly QueueConsumer[] _queues;
    private readonly QueueReceiveMode _mode;
    private readonly int _batch;
    private readonly int _maxPendingAcks;
    private int _disposed;

    /// <summary>A consumer of <paramref name="queue"/>, which belongs to <paramref name="connection"/> (disposed with it).</summary>
    public FastBrokerQueueConsumer(BrokerConnection connection, QueueConsumer queue, QueueReceiveMode mode, int batch)
        : this(connection, [queue], mode, batch)
    {
    }

    /// <summary>
    /// A consumer of every one of <paramref name="queues"/> (the subscriptions of a routed run), all on
    /// <paramref name="connection"/>: pull mode keeps a receive going on each and hands their batches to the handler
    /// one at a time, as they arrive. Push mode takes one subscription only.
    /// </summary>
    public FastBrokerQueueConsumer(BrokerConnection connection, QueueConsumer[] queues, QueueReceiveMode mode, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfZero(queues.Length);
        if (mode == QueueReceiveMode.Push && queues.Length != 1)
            throw new ArgumentException("A pushed consumer reads one subscription.", nameof(queues));
        _connection = connection;
        _queues = queues;
        _mode = mode;
        _batch = batch;
        // Each subscription's acks travel as their own frames.
        _maxPendingAcks = MaxPendingAcks * queues.Length;
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
            foreach (var queue in _queues)
                await queue.DisposeAsync().ConfigureAwait(false);
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
        var acks = new Queue<Task>(_maxPendingAcks + 1);
        var lastAcks = new Task?[_queues.Length];
        // The next receive of a subscription is asked for before its current batch is handled, so the broker fills
        // it meanwhile (as the peers' clients keep their next pull or prefetch going). Not canceled through the
        // token: a canceled receive leaves what the broker already sent in flight until its visibility timeout, and
        // the short wait ends the loop soon enough.
        var receives = new Task<IReadOnlyList<QueueMessage>>?[_queues.Length];
        for (int q = 0; q < receives.Length; q++)
            receives[q] = Receive(q);
        int after = -1;
        try
        {
            while (await NextReceivedAsync(receives, after).ConfigureAwait(false) is var q && q >= 0)
            {
                after = q;
                var pending = receives[q]!;
                // Cleared before the await: a receive that fails must not be awaited a second time below.
                receives[q] = null;
                var messages = await pending.ConfigureAwait(false);
                receives[q] = cancellationToken.IsCancellationRequested ? null : Receive(q);
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

                var ack = _queues[q].AckAsync(received.AsSpan(0, seen)).AsTask();
                // Acks queued while a frame is answered share the next frame's task: count each frame once.
                if (ack != lastAcks[q])
                {
                    acks.Enqueue(ack);
                    lastAcks[q] = ack;
                }
                await ObservePendingAcksAsync(acks, _maxPendingAcks).ConfigureAwait(false);
                if (!more)
                    break;
            }
        }
        finally
        {
            for (int q = 0; q < receives.Length; q++)
            {
                if (receives[q] is { } unused)
                    await GiveBackAsync(_queues[q], unused).ConfigureAwait(false);
            }
        }
        while (acks.TryDequeue(out var ackPending))
            await ackPending.ConfigureAwait(false);
        return handled;
    }

    private Task<IReadOnlyList<QueueMessage>> Receive(int queue) => _queues[queue].ReceiveAsync(_batch, ReceiveWait).AsTask();

    /// <summary>
    /// The index of a finished receive, waiting for one when none has finished; -1 when none is pending. Finished
    /// ones are taken in turn from the one after <paramref name="after"/>, so a busy subscription cannot starve the
    /// others of the handler.
    /// </summary>
    private static async ValueTask<int> NextReceivedAsync(Task<IReadOnlyList<QueueMessage>>?[] receives, int after)
    {
        while (true)
        {
            int pending = 0;
            for (int i = 1; i <= receives.Length; i++)
            {
                int q = (after + i) % receives.Length;
                if (receives[q] is not { } receive)
                    continue;
                if (receive.IsCompleted)
                    return q;
                pending++;
            }
            if (pending == 0)
                return -1;
            var waiting = new List<Task>(pending);
            foreach (var receive in receives)
            {
                if (receive is not null)
                    waiting.Add(receive);
            }
            await Task.WhenAny(waiting).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for a receive that is no longer wanted and nacks what it brought, so other consumers get it at
    /// once rather than when this connection closes. Best effort: the run is ending either way.</summary>
    private static async ValueTask GiveBackAsync(QueueConsumer queue, Task<IReadOnlyList<QueueMessage>> receive)
    {
        try
        {
            var left = await receive.ConfigureAwait(false);
            if (left.Count > 0)
                await queue.NackAsync(left as QueueMessage[] ?? [.. left]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BrokerException or BrokerConnectionException or TimeoutException)
        {
            // The connection is failing or gone; closing it releases the messages anyway.
        }
    }

    /// <summary>Surfaces acks that already failed, and waits for the oldest while too many are unanswered.</summary>
    private static async ValueTask ObservePendingAcksAsync(Queue<Task> acks, int max)
    {
        while (acks.TryPeek(out var oldest) && (oldest.IsCompleted || acks.Count > max))
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
            push = await _queues[0].SubscribeAsync(new PushOptions { Prefetch = _batch }, cancellationToken).ConfigureAwait(false);
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
                    await ObservePendingAcksAsync(acks, _maxPendingAcks).ConfigureAwait(false);
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
