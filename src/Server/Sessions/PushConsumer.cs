using FastBroker.Server.Subscriptions;
using FastBroker.Server.Topics;
using FastBroker.Wire;

namespace FastBroker.Server.Sessions;

/// <summary>
/// One push subscription of a connection: delivers while it has credit, waits when it has none or nothing is
/// visible. The credit is the hard bound: a delivery never carries more messages than the credit left.
/// </summary>
internal sealed class PushConsumer
{
    // Each Deliver frame carries at most this many messages, so credit granted in bulk still arrives in steps.
    private const int MaxBatch = 1000;
    private const int MaxBytesPerDelivery = 1024 * 1024;

    private readonly Func<DeliveryAsk, bool> _deliver;
    private readonly OutboundBudget _output;
    private readonly CancellationTokenSource _stop;
    private readonly TimeProvider _time;
    private OneShotSignal _creditSignal = new();
    private long _credit;

    public PushConsumer(SharedSubscription subscription, uint pushId, long credit, long visibilityMs, Func<DeliveryAsk, bool> deliver,
        OutboundBudget output, TimeProvider time, CancellationToken closing)
    {
        _output = output;
        Subscription = subscription;
        PushId = pushId;
        VisibilityMs = visibilityMs;
        _credit = credit;
        _deliver = deliver;
        _time = time;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(closing);
    }

    public SharedSubscription Subscription { get; }
    public uint PushId { get; }
    public long VisibilityMs { get; }
    public Task Loop { get; private set; } = Task.CompletedTask;

    /// <summary>Set when the subscription went away under the consumer: the error to send on the push id.</summary>
    public string? EndedBecause { get; private set; }

    public long Credit => Volatile.Read(ref _credit);

    public void Start() => Loop = Task.Run(RunAsync);

    /// <summary>Adds credit; false when the total would pass <see cref="Protocol.MaxCredit"/> (nothing added).</summary>
    public bool TryAddCredit(uint credit)
    {
        long now = Interlocked.Add(ref _credit, credit);
        if (now > Protocol.MaxCredit)
        {
            Interlocked.Add(ref _credit, -credit);
            return false;
        }
        Interlocked.MemoryBarrier();
        var signal = _creditSignal;
        if (signal.HasWaiters)
        {
            Volatile.Write(ref _creditSignal, new OneShotSignal());
            signal.Fire();
        }
        return true;
    }

    public void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped.
        }
    }

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (Subscription.IsClosed)
                {
                    EndedBecause = $"subscription '{Subscription.Name}' on topic '{Subscription.TopicName}' was deleted";
                    return;
                }
                long credit = Volatile.Read(ref _credit);
                if (credit <= 0)
                {
                    var signal = Volatile.Read(ref _creditSignal);
                    signal.AddWaiter();
                    if (Volatile.Read(ref _credit) > 0) continue;
                    await signal.Task.WaitAsync(stop).ConfigureAwait(false);
                    continue;
                }
                // Credit bounds messages, not bytes: a client that grants much and reads nothing is held to the
                // connection's output budget like any other.
                await _output.WaitForRoomAsync(stop).ConfigureAwait(false);
                int max = (int)Math.Min(credit, MaxBatch);
                var ask = new DeliveryAsk(Subscription, max, MaxBytesPerDelivery, VisibilityMs, Opcode.Deliver,
                    FrameFlags.Response | FrameFlags.Push, PushId);
                if (!_deliver(ask))
                    await Subscription.WaitAsync(_time.GetUtcNow().AddSeconds(20), stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Unsubscribed or the connection closed.
        }
        finally
        {
            _stop.Dispose();
        }
    }

    /// <summary>Takes the credit a delivery used (called by the deliverer before the frame is queued).</summary>
    public void Spend(int messages) => Interlocked.Add(ref _credit, -messages);
}
