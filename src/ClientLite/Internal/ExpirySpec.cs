using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Internal;

/// <summary>
/// The time headers a producer dates a message with: its <c>fb-expires</c> header (PROTOCOL.md section 6.6) — not at
/// all, at a fixed time, or a time-to-live after the message's own timestamp (known only when the record is
/// appended) — and, the same ways, its <c>fb-deliver-at</c> header (section 6.7).
/// </summary>
internal readonly struct ExpirySpec
{
    /// <summary>Upper bound on the bytes one time header adds to a record: name length, name, value length, value.</summary>
    public const int MaxHeaderBytes = 2 + 13 + 4 + MessageExpiry.MaxValueBytes;

    private readonly long _atMs;
    private readonly long _ttlMs;
    private readonly long _deliverAtMs;
    private readonly long _delayMs;

    private ExpirySpec(long atMs, long ttlMs, long deliverAtMs = -1, long delayMs = -1)
    {
        _atMs = atMs;
        _ttlMs = ttlMs;
        _deliverAtMs = deliverAtMs;
        _delayMs = delayMs;
    }

    public static ExpirySpec None => new(-1, -1);

    /// <summary>Whether the message gets any time header.</summary>
    public bool IsSet => HasExpiry || HasDeliveryTime;

    public bool HasExpiry => _atMs >= 0 || _ttlMs >= 0;

    public bool HasDeliveryTime => _deliverAtMs >= 0 || _delayMs >= 0;

    /// <summary>How many headers the spec adds.</summary>
    public int HeaderCount => (HasExpiry ? 1 : 0) + (HasDeliveryTime ? 1 : 0);

    /// <summary>Upper bound on the bytes the spec's headers add to a record.</summary>
    public int HeaderBytes => HeaderCount * MaxHeaderBytes;

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

    /// <summary>This spec, with the message delivered to shared subscriptions no earlier than <paramref name="deliverAt"/>.</summary>
    public ExpirySpec DeliverAt(DateTimeOffset deliverAt, string parameter)
    {
        long ms = deliverAt.ToUnixTimeMilliseconds();
        if (ms < 0)
            throw new ArgumentOutOfRangeException(parameter, deliverAt, "A delivery time must not be before the Unix epoch.");
        return new ExpirySpec(_atMs, _ttlMs, ms, -1);
    }

    /// <summary>This spec, with the message delivered to shared subscriptions no earlier than <paramref name="delay"/>
    /// after its timestamp.</summary>
    public ExpirySpec DeliverAfter(TimeSpan delay, string parameter)
    {
        if (delay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(parameter, delay, "A delay must not be negative.");
        return new ExpirySpec(_atMs, _ttlMs, -1, (long)Math.Ceiling(delay.TotalMilliseconds));
    }

    /// <summary>The expiry time of a message stamped <paramref name="timestampMs"/>.</summary>
    public long Resolve(long timestampMs) => _atMs >= 0 ? _atMs : timestampMs + _ttlMs;

    /// <summary>The delivery time of a message stamped <paramref name="timestampMs"/>.</summary>
    public long ResolveDeliveryTime(long timestampMs) => _deliverAtMs >= 0 ? _deliverAtMs : timestampMs + _delayMs;
}
