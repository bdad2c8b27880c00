namespace FastBroker.Wire.Messages.Queues;

/// <summary>A parsed CreateSubscription request.</summary>
public readonly ref struct CreateSubscriptionRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>Subscription name, UTF-8.</summary>
    public ReadOnlySpan<byte> Subscription { get; init; }
    /// <summary>Dead-letter topic name, UTF-8; empty for the default.</summary>
    public ReadOnlySpan<byte> DeadLetterTopic { get; init; }
    /// <summary>Visibility timeout in ms, as sent.</summary>
    public uint VisibilityTimeoutMs { get; init; }
    /// <summary>Max deliveries, as sent.</summary>
    public ushort MaxDeliveries { get; init; }
    /// <summary>Max in flight, as sent.</summary>
    public uint MaxInFlight { get; init; }
    /// <summary>Ack mode byte, as sent (not checked here).</summary>
    public AckMode AckMode { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly (ranges are the broker's to check).</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out CreateSubscriptionRequest request)
    {
        var r = new SpanReader(body);
        ReadOnlySpan<byte> topic = default, subscription = default, dlq = default;
        uint visibility = 0, maxInFlight = 0;
        ushort maxDeliveries = 0;
        byte ackMode = 0;
        bool ok = r.TryReadString(out topic) && r.TryReadString(out subscription) && r.TryReadUInt32(out visibility)
                  && r.TryReadUInt16(out maxDeliveries) && r.TryReadString(out dlq) && r.TryReadUInt32(out maxInFlight)
                  && r.TryReadByte(out ackMode) && r.End;
        request = new CreateSubscriptionRequest
        {
            Topic = topic, Subscription = subscription, DeadLetterTopic = dlq, VisibilityTimeoutMs = visibility,
            MaxDeliveries = maxDeliveries, MaxInFlight = maxInFlight, AckMode = (AckMode)ackMode,
        };
        return ok;
    }
}
