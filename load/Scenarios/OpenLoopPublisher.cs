using FastBroker.Load.Measurement;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// Publishes on a fixed schedule regardless of how fast the broker answers (open loop). Each message carries its
/// <em>intended</em> send time, so a publisher that falls behind (a full window of unacknowledged publishes, a
/// pause) sends at once, skips nothing, and its lag shows in every latency measured from that time: the latencies
/// are corrected for coordinated omission by construction.
/// </summary>
internal static class OpenLoopPublisher
{
    /// <summary>What one publisher did.</summary>
    /// <param name="Sent">Messages published (all acknowledged when the run returns).</param>
    /// <param name="MaxLagTicks">Longest a message went out after its intended time, in timestamp ticks.</param>
    public readonly record struct Outcome(long Sent, long MaxLagTicks);

    /// <summary>
    /// Sends messages <paramref name="firstIndex"/>, +<paramref name="stride"/>, ... (<paramref name="quota"/> of them)
    /// of <paramref name="schedule"/>, at most <paramref name="window"/> unacknowledged, stopping early when
    /// <paramref name="stop"/> is cancelled; then waits for every publish still in flight.
    /// </summary>
    public static async Task<Outcome> RunAsync(IPublisher publisher, byte[] payload, OpenLoopSchedule schedule, long firstIndex,
        long stride, long quota, int window, WorkerStats stats, IPacer pacer, TimeProvider time, CancellationToken stop,
        CancellationToken abort)
    {
        var acks = new AckWindow(window, stats);
        long maxLag = 0;
        while (acks.Added < quota && !stop.IsCancellationRequested)
        {
            long intended = schedule.IntendedTimestamp(firstIndex + acks.Added * stride);
            await pacer.WaitUntilAsync(intended, abort).ConfigureAwait(false);
            acks.RetireCompleted();
            if (acks.IsFull)
            {
                // Waiting here is falling behind schedule; the stamp below stays the intended time.
                await acks.Oldest.ConfigureAwait(false);
                acks.RetireOldest();
            }
            PayloadStamp.Write(payload, intended);
            maxLag = Math.Max(maxLag, time.GetTimestamp() - intended);
            acks.Add(publisher.PublishAsync(payload, abort));
        }
        await ClosedLoopPublisher.FinishAsync(publisher, acks, abort).ConfigureAwait(false);
        return new Outcome(acks.Added, maxLag);
    }
}
