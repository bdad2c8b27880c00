namespace FastBroker.Wire.Messages.Queues;

/// <summary>A parsed Subscribe request (push delivery with credit).</summary>
public readonly ref struct SubscribeRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>Subscription name, UTF-8.</summary>
    public ReadOnlySpan<byte> Subscription { get; init; }
    /// <summary>Initial credit: the broker delivers at most this many messages before more is granted.</summary>
    public uint Credit { get; init; }
    /// <summary>Visibility timeout for these deliveries; 0 = the subscription's.</summary>
    public uint VisibilityTimeoutMs { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out SubscribeRequest request)
    {
        var r = new SpanReader(body);
        ReadOnlySpan<byte> topic = default, subscription = default;
        uint credit = 0, visibility = 0;
        bool ok = r.TryReadString(out topic) && r.TryReadString(out subscription) && r.TryReadUInt32(out credit)
                  && r.TryReadUInt32(out visibility) && r.End;
        request = new SubscribeRequest { Topic = topic, Subscription = subscription, Credit = credit, VisibilityTimeoutMs = visibility };
        return ok;
    }
}
