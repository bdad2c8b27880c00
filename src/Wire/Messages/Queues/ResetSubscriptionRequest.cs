namespace FastBroker.Wire.Messages.Queues;

/// <summary>A parsed ResetSubscription request (PROTOCOL.md section 5.25).</summary>
/// <remarks>
/// <code>
/// +---------+--------------+------------+--------------+
/// | topic   | subscription | start kind | start value  |
/// | string  | string       | u8         | i64          |
/// +---------+--------------+------------+--------------+
/// </code>
/// Exact grammar: the body ends right after the start value.
/// </remarks>
public readonly ref struct ResetSubscriptionRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>Subscription name, UTF-8.</summary>
    public ReadOnlySpan<byte> Subscription { get; init; }
    /// <summary>Where to move the subscription, as sent (not checked here).</summary>
    public SubscriptionStart Start { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out ResetSubscriptionRequest request)
    {
        var r = new SpanReader(body);
        ReadOnlySpan<byte> topic = default, subscription = default;
        byte kind = 0;
        long value = 0;
        bool ok = r.TryReadString(out topic) && r.TryReadString(out subscription) && r.TryReadByte(out kind)
                  && r.TryReadInt64(out value) && r.End;
        request = new ResetSubscriptionRequest
        {
            Topic = topic, Subscription = subscription, Start = new SubscriptionStart((SubscriptionStartKind)kind, value),
        };
        return ok;
    }
}
