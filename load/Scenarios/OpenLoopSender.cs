using FastBroker.Load.Measurement;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// Sends on a fixed schedule regardless of how fast the broker answers (open loop), from one dedicated thread:
/// message i at its intended time, through publisher i % N. Each message carries its <em>intended</em> send time,
/// so when the sender falls behind (a full window of unacknowledged publishes, a pause) it sends at once, skips
/// nothing, and its lag shows in every latency measured from that time: the latencies are corrected for
/// coordinated omission by construction.
/// </summary>
internal sealed class OpenLoopSender
{
    private readonly IReadOnlyList<IPublisher> _publishers;
    private readonly byte[][] _payloads;
    private readonly AckWindow[] _acks;
    private readonly IPacer _pacer;
    private readonly TimeProvider _time;
    private readonly bool _sequenced;

    /// <summary>A sender over <paramref name="publishers"/>, each with its own payload buffer and counter, at most
    /// <paramref name="window"/> publishes unacknowledged per publisher; with <paramref name="sequenced"/> message i also
    /// carries the sequence number i (<see cref="PayloadStamp.WriteSequence"/>).</summary>
    public OpenLoopSender(IReadOnlyList<IPublisher> publishers, byte[][] payloads, WorkerStats[] stats, int window, IPacer pacer, TimeProvider time,
        bool sequenced = false)
    {
        _sequenced = sequenced;
        _publishers = publishers;
        _payloads = payloads;
        _acks = new AckWindow[publishers.Count];
        for (int i = 0; i < _acks.Length; i++)
            _acks[i] = new AckWindow(window, stats[i]);
        _pacer = pacer;
        _time = time;
    }

    /// <summary>What the sender did.</summary>
    /// <param name="Sent">Messages published.</param>
    /// <param name="MaxLagTicks">Longest a message went out after its intended time, in timestamp ticks.</param>
    public readonly record struct Outcome(long Sent, long MaxLagTicks);

    /// <summary>
    /// Sends messages 0 .. <paramref name="count"/> − 1 of <paramref name="schedule"/>, stopping early when
    /// <paramref name="stop"/> is cancelled. Blocks the calling thread; run it on a dedicated one. Publishes may
    /// still be in flight when it returns: <see cref="FinishAsync"/> waits for them.
    /// </summary>
    public Outcome Send(OpenLoopSchedule schedule, long count, CancellationToken stop, CancellationToken abort)
    {
        long maxLag = 0;
        long sent = 0;
        for (; sent < count && !stop.IsCancellationRequested && !abort.IsCancellationRequested; sent++)
        {
            long intended = schedule.IntendedTimestamp(sent);
            _pacer.WaitUntil(intended, abort);
            int p = (int)(sent % _publishers.Count);
            var acks = _acks[p];
            acks.RetireCompleted();
            if (acks.IsFull)
            {
                // Falling behind schedule; the stamp below stays the intended time. Blocking is right on this thread.
                acks.Oldest.AsTask().Wait(abort);
                acks.RetireOldest();
            }
            PayloadStamp.Write(_payloads[p], intended);
            if (_sequenced)
                PayloadStamp.WriteSequence(_payloads[p], sent);
            maxLag = Math.Max(maxLag, _time.GetTimestamp() - intended);
            acks.Add(_publishers[p].PublishAsync(_payloads[p], abort));
        }
        return new Outcome(sent, maxLag);
    }

    /// <summary>Flushes every publisher and waits for all publishes still in flight.</summary>
    public async Task FinishAsync(CancellationToken abort)
    {
        for (int i = 0; i < _publishers.Count; i++)
            await ClosedLoopPublisher.FinishAsync(_publishers[i], _acks[i], abort).ConfigureAwait(false);
    }
}
