namespace FastBroker.Server.Transport;

/// <summary>
/// Lets one log line through per interval and counts the ones held back, so a condition that repeats thousands of
/// times a second (accept failing at the descriptor limit) is visible without flooding the log.
/// </summary>
internal sealed class RateLimitedLog
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private long _lastAt = long.MinValue;
    private int _suppressed;

    public RateLimitedLog(TimeProvider time, TimeSpan interval)
    {
        _time = time;
        _interval = interval;
    }

    /// <summary>True when a line may be written now; <paramref name="suppressed"/> is how many were held back since
    /// the last one. Called from one loop only.</summary>
    public bool TryTake(out int suppressed)
    {
        if (_lastAt != long.MinValue && _time.GetElapsedTime(_lastAt) < _interval)
        {
            _suppressed++;
            suppressed = 0;
            return false;
        }
        _lastAt = _time.GetTimestamp();
        suppressed = _suppressed;
        _suppressed = 0;
        return true;
    }
}
