namespace FastBroker.Wire.Messages.Queues;

/// <summary>A parsed Receive request.</summary>
public readonly ref struct ReceiveRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>Subscription name, UTF-8.</summary>
    public ReadOnlySpan<byte> Subscription { get; init; }
    /// <summary>Most messages wanted (1..<see cref="Protocol.MaxReceiveMessages"/>).</summary>
    public uint MaxMessages { get; init; }
    /// <summary>Soft cap on batch bytes; at least one message is delivered when any is visible.</summary>
    public uint MaxBytes { get; init; }
    /// <summary>How long to wait when nothing is visible (0..<see cref="Protocol.MaxReceiveWaitMs"/>).</summary>
    public uint MaxWaitMs { get; init; }
    /// <summary>Visibility timeout for these deliveries; 0 = the subscription's.</summary>
    public uint VisibilityTimeoutMs { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out ReceiveRequest request)
    {
        var r = new SpanReader(body);
        ReadOnlySpan<byte> topic = default, subscription = default;
        uint max = 0, maxBytes = 0, wait = 0, visibility = 0;
        bool ok = r.TryReadString(out topic) && r.TryReadString(out subscription) && r.TryReadUInt32(out max)
                  && r.TryReadUInt32(out maxBytes) && r.TryReadUInt32(out wait) && r.TryReadUInt32(out visibility) && r.End;
        request = new ReceiveRequest
        {
            Topic = topic, Subscription = subscription, MaxMessages = max, MaxBytes = maxBytes, MaxWaitMs = wait,
            VisibilityTimeoutMs = visibility,
        };
        return ok;
    }
}
