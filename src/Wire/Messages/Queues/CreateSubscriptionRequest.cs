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

    /// <summary>Whether the optional trailing filter and options fields were sent (PROTOCOL.md section 5.12).</summary>
    public bool HasFilterFields { get; init; }
    /// <summary>Filter text, UTF-8; empty for none (or when the trailing fields were not sent).</summary>
    public ReadOnlySpan<byte> Filter { get; init; }
    /// <summary>Options byte, as sent (not checked here); 0 when the trailing fields were not sent.</summary>
    public byte Options { get; init; }

    /// <summary>Whether the optional start fields were sent after the options (PROTOCOL.md section 5.12).</summary>
    public bool HasStart { get; init; }
    /// <summary>Where the subscription starts, as sent (not checked here); <see cref="SubscriptionStart.Latest"/>
    /// when the start fields were not sent.</summary>
    public SubscriptionStart Start { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly (ranges are the broker's to check).</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out CreateSubscriptionRequest request)
    {
        var r = new SpanReader(body);
        ReadOnlySpan<byte> topic = default, subscription = default, dlq = default;
        uint visibility = 0, maxInFlight = 0;
        ushort maxDeliveries = 0;
        ReadOnlySpan<byte> filter = default;
        byte ackMode = 0, options = 0, startKind = 0;
        long startValue = 0;
        bool ok = r.TryReadString(out topic) && r.TryReadString(out subscription) && r.TryReadUInt32(out visibility)
                  && r.TryReadUInt16(out maxDeliveries) && r.TryReadString(out dlq) && r.TryReadUInt32(out maxInFlight)
                  && r.TryReadByte(out ackMode);
        // The trailing fields come as a pair or not at all, and the start (kind and value) only after them: a body
        // that stops inside either group is malformed.
        bool trailing = ok && !r.End;
        if (trailing) ok = r.TryReadString(out filter) && r.TryReadByte(out options);
        bool start = ok && trailing && !r.End;
        if (start) ok = r.TryReadByte(out startKind) && r.TryReadInt64(out startValue);
        ok = ok && r.End;
        request = new CreateSubscriptionRequest
        {
            Topic = topic, Subscription = subscription, DeadLetterTopic = dlq, VisibilityTimeoutMs = visibility,
            MaxDeliveries = maxDeliveries, MaxInFlight = maxInFlight, AckMode = (AckMode)ackMode,
            HasFilterFields = trailing, Filter = filter, Options = options,
            HasStart = start, Start = new SubscriptionStart((SubscriptionStartKind)startKind, startValue),
        };
        return ok;
    }
}
