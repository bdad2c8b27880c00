namespace FastBroker.Wire.Messages;

/// <summary>A parsed CreateTopic request (PROTOCOL.md section 5.3).</summary>
/// <remarks>
/// <code>
/// +--------+----------+------------+---------+--------------+-----------------+-----------------+
/// | topic  |  name    | partitions | flags   | retention ms | retention bytes | dedup window ms |
/// | len u16|  UTF-8   |    u32     | u8, opt | i64, opt     | i64, opt        | i64, opt        |
/// +--------+----------+------------+---------+--------------+-----------------+-----------------+
/// </code>
/// The body ends after <c>partitions</c> (flags 0, broker-default retention and window), after <c>flags</c>, after
/// both retention fields, or after the dedup window; nothing else.
/// </remarks>
public readonly ref struct CreateTopicRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>Partition count as sent (u32).</summary>
    public uint Partitions { get; init; }
    /// <summary>The flags byte as sent (reserved bits included), or <see cref="TopicFlags.None"/> when it was left out.</summary>
    public TopicFlags Flags { get; init; }
    /// <summary>The retention age in ms as sent, or <see cref="TopicRetention.BrokerDefault"/> when it was left out.</summary>
    public long RetentionMs { get; init; }
    /// <summary>The retention size in bytes as sent, or <see cref="TopicRetention.BrokerDefault"/> when it was left out.</summary>
    public long RetentionBytes { get; init; }

    /// <summary>The deduplication window in ms as sent (PROTOCOL.md 6.8; 0 = off), or
    /// <see cref="TopicRetention.BrokerDefault"/> when it was left out.</summary>
    public long DedupWindowMs { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out CreateTopicRequest request)
    {
        var r = new SpanReader(body);
        uint partitions = 0;
        byte flags = 0;
        long retentionMs = TopicRetention.BrokerDefault, retentionBytes = TopicRetention.BrokerDefault, dedupWindowMs = TopicRetention.BrokerDefault;
        bool ok = r.TryReadString(out var topic) && r.TryReadUInt32(out partitions)
            && (r.End || (r.TryReadByte(out flags)
                && (r.End || (r.TryReadInt64(out retentionMs) && r.TryReadInt64(out retentionBytes)
                    && (r.End || (r.TryReadInt64(out dedupWindowMs) && r.End))))));
        request = new CreateTopicRequest
        {
            Topic = topic, Partitions = partitions, Flags = (TopicFlags)flags, RetentionMs = retentionMs, RetentionBytes = retentionBytes,
            DedupWindowMs = dedupWindowMs,
        };
        return ok;
    }
}
