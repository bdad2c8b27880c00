namespace FastBroker.Server.Subscriptions;

/// <summary>Events per second over the last few seconds, from a running total sampled once a second.</summary>
internal sealed class RateMeter
{
    private const int Slots = 11;
    private readonly long[] _totals = new long[Slots];
    private readonly long[] _times = new long[Slots];
    private int _count;
    private int _head;

    /// <summary>Records the running <paramref name="total"/> at <paramref name="nowMs"/>.</summary>
    public void Sample(long nowMs, long total)
    {
        _head = (_head + 1) % Slots;
        _totals[_head] = total;
        _times[_head] = nowMs;
        if (_count < Slots) _count++;
    }

    /// <summary>Rate between the oldest kept sample and the newest.</summary>
    public uint PerSecond
    {
        get
        {
            if (_count < 2) return 0;
            int oldest = (_head - _count + 1 + Slots) % Slots;
            long ms = _times[_head] - _times[oldest];
            if (ms <= 0) return 0;
            return (uint)Math.Min(uint.MaxValue, (_totals[_head] - _totals[oldest]) * 1000 / ms);
        }
    }
}
