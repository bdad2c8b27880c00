namespace FastBroker.Wire.Messages;

/// <summary>A parsed AlterTopic request (PROTOCOL.md section 5.23).</summary>
/// <remarks>
/// <code>
/// +--------+----------+--------------+-----------------+-----------------+
/// | topic  |  name    | retention ms | retention bytes | dedup window ms |
/// | len u16|  UTF-8   |     i64      |       i64       |    i64, opt     |
/// +--------+----------+--------------+-----------------+-----------------+
/// </code>
/// Exact grammar, with the dedup window optional (left out: unchanged). Each value is a limit,
/// <see cref="TopicRetention.Unlimited"/> (for the window: off), <see cref="TopicRetention.BrokerDefault"/> or
/// <see cref="TopicRetention.Unchanged"/>.
/// </remarks>
public readonly ref struct AlterTopicRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>The retention age in ms as sent.</summary>
    public long RetentionMs { get; init; }
    /// <summary>The retention size in bytes as sent.</summary>
    public long RetentionBytes { get; init; }

    /// <summary>The deduplication window in ms as sent (PROTOCOL.md 6.8; 0 = off), or
    /// <see cref="TopicRetention.Unchanged"/> when it was left out.</summary>
    public long DedupWindowMs { get; init; }

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out AlterTopicRequest request)
    {
        var r = new SpanReader(body);
        long retentionMs = 0, retentionBytes = 0, dedupWindowMs = TopicRetention.Unchanged;
        bool ok = r.TryReadString(out var topic) && r.TryReadInt64(out retentionMs) && r.TryReadInt64(out retentionBytes)
            && (r.End || (r.TryReadInt64(out dedupWindowMs) && r.End));
        request = new AlterTopicRequest { Topic = topic, RetentionMs = retentionMs, RetentionBytes = retentionBytes, DedupWindowMs = dedupWindowMs };
        return ok;
    }
}
