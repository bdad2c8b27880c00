using FastBroker.Load.Measurement;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// Publishes as fast as the broker acknowledges, with up to a window of publishes in flight (closed loop).
/// Allocates nothing per message beyond what the target does.
/// </summary>
internal static class ClosedLoopPublisher
{
    /// <summary>
    /// Publishes up to <paramref name="quota"/> copies of <paramref name="payload"/>, stopping early when
    /// <paramref name="stop"/> is cancelled; then waits for every publish still in flight. When
    /// <paramref name="stampClock"/> is given, each message carries its send time (<see cref="PayloadStamp"/>).
    /// When <paramref name="firstSequence"/> is given, message <i>i</i> of this publisher also carries the sequence
    /// number <paramref name="firstSequence"/> + <i>i</i>. Returns the number of messages published (all acknowledged
    /// when it returns).
    /// </summary>
    public static async Task<long> RunAsync(IPublisher publisher, byte[] payload, long quota, int window, WorkerStats stats,
        TimeProvider? stampClock, CancellationToken stop, CancellationToken abort, long? firstSequence = null)
    {
        var acks = new AckWindow(window, stats);
        while (acks.Added < quota && !stop.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            acks.RetireCompleted();
            if (acks.IsFull)
            {
                await acks.Oldest.ConfigureAwait(false);
                acks.RetireOldest();
            }
            if (stampClock is not null)
                PayloadStamp.Write(payload, stampClock.GetTimestamp());
            if (firstSequence is { } first)
                PayloadStamp.WriteSequence(payload, first + acks.Added);
            acks.Add(publisher.PublishAsync(payload, abort));
        }
        await FinishAsync(publisher, acks, abort).ConfigureAwait(false);
        return acks.Added;
    }

    /// <summary>Flushes the publisher and waits for every publish still in the window.</summary>
    public static async Task FinishAsync(IPublisher publisher, AckWindow acks, CancellationToken abort)
    {
        await publisher.FlushAsync(abort).ConfigureAwait(false);
        while (acks.HasInFlight)
        {
            await acks.Oldest.ConfigureAwait(false);
            acks.RetireOldest();
        }
    }
}
