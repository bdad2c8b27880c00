using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Internal;

/// <summary>
/// How a producer dates a message's <c>fb-expires</c> header (PROTOCOL.md section 6.6): not at all, at a fixed
/// time, or a time-to-live after the message's own timestamp (known only when the record is appended).
/// </summary>
internal readonly struct ExpirySpec
{
    /// <summary>Upper bound on the bytes the header adds to a record: name length, name, value length, value.</summary>
    public const int MaxHeaderBytes = 2 + 10 + 4 + MessageExpiry.MaxValueBytes;

    private readonly long _atMs;
    private readonly long _ttlMs;

    private ExpirySpec(long atMs, long ttlMs)
    {
        _atMs = atMs;
        _ttlMs = ttlMs;
    }

    public static ExpirySpec None => new(-1, -1);

    public bool IsSet => _atMs >= 0 || _ttlMs >= 0;

    public static ExpirySpec At(DateTimeOffset expiresAt, string parameter)
    {
        long ms = expiresAt.ToUnixTimeMilliseconds();
        if (ms < 0)
            throw new ArgumentOutOfRangeException(parameter, expiresAt, "An expiry time must not be before the Unix epoch.");
        return new ExpirySpec(ms, -1);
    }

    public static ExpirySpec After(TimeSpan timeToLive, string parameter)
    {
        if (timeToLive <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(parameter, timeToLive, "A time-to-live must be positive.");
        return new ExpirySpec(-1, (long)Math.Ceiling(timeToLive.TotalMilliseconds));
    }

    /// <summary>The expiry time of a message stamped <paramref name="timestampMs"/>.</summary>
    public long Resolve(long timestampMs) => _atMs >= 0 ? _atMs : timestampMs + _ttlMs;
}
