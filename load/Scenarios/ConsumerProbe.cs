using FastBroker.Load.Measurement;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// The handler a consumer calls per message: counts it, notes when, and (when measuring latency) records now
/// minus the send time stamped in the payload. One probe per consumer, so nothing here is shared between
/// threads on the hot path, and nothing allocates.
/// </summary>
internal sealed class ConsumerProbe
{
    private readonly WorkerStats _stats;
    private readonly LatencyRecorder? _latency;
    private readonly TimeProvider _time;
    private readonly DeliveryLedger? _ledger;

    /// <summary>Creates a probe counting into <paramref name="stats"/> and, when given, recording latency into
    /// <paramref name="latency"/> and each message's sequence number into <paramref name="ledger"/>.</summary>
    public ConsumerProbe(WorkerStats stats, LatencyRecorder? latency, TimeProvider time, DeliveryLedger? ledger = null)
    {
        _stats = stats;
        _latency = latency;
        _time = time;
        _ledger = ledger;
        Handler = OnMessage;
    }

    /// <summary>The handler to give the consumer (one delegate for the probe's lifetime).</summary>
    public MessageHandler Handler { get; }

    /// <summary>Messages handled so far.</summary>
    public WorkerStats Stats => _stats;

    private bool OnMessage(ReadOnlySpan<byte> payload)
    {
        long now = _time.GetTimestamp();
        if (_latency is not null && PayloadStamp.TryRead(payload, out long sent))
            _latency.RecordTicks(now - sent);
        _ledger?.Record(payload);
        _stats.Add(1, now);
        return true;
    }
}
