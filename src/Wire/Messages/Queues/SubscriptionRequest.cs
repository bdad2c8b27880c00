namespace FastBroker.Wire.Messages.Queues;

/// <summary>A parsed request whose whole body names one subscription (DeleteSubscription, SubscriptionStats).</summary>
public readonly ref struct SubscriptionRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>Subscription name, UTF-8 (same rules as topic names).</summary>
    public ReadOnlySpan<byte> Subscription { get; init; }

    /// <summary>Parses <c>string topic, string subscription</c>; false unless the body is exactly that.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out SubscriptionRequest request)
    {
        var r = new SpanReader(body);
        ReadOnlySpan<byte> topic = default, subscription = default;
        bool ok = r.TryReadString(out topic) && r.TryReadString(out subscription) && r.End;
        request = new SubscriptionRequest { Topic = topic, Subscription = subscription };
        return ok;
    }
}
