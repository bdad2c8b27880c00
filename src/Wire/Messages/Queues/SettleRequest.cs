namespace FastBroker.Wire.Messages.Queues;

/// <summary>
/// A parsed Ack, Nack or Extend request:
/// <code>
/// string topic, string subscription, u32 argument, u32 sections,
///   sections * (u32 partition, u32 ranges, ranges * (i64 first offset, u32 count))
/// </code>
/// The argument is 0 for Ack, the redelivery delay in ms for Nack, the new visibility timeout in ms for Extend.
/// <see cref="TryParse"/> checks every count against the body before anything is read, so a lying count is a
/// malformed frame and never a large allocation or a read past the end.
/// </summary>
public readonly ref struct SettleRequest
{
    /// <summary>Topic name, UTF-8.</summary>
    public ReadOnlySpan<byte> Topic { get; init; }
    /// <summary>Subscription name, UTF-8.</summary>
    public ReadOnlySpan<byte> Subscription { get; init; }
    /// <summary>0 (Ack), delay ms (Nack) or visibility ms (Extend).</summary>
    public uint Argument { get; init; }
    /// <summary>Total ranges over all sections.</summary>
    public int RangeCount { get; init; }
    /// <summary>The encoded sections, for <see cref="Ranges"/>.</summary>
    public ReadOnlySpan<byte> Sections { get; init; }

    /// <summary>Walks the ranges of every section in order.</summary>
    public OffsetRangeReader Ranges => new(Sections);

    /// <summary>Parses a body; false when it does not match the grammar exactly.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out SettleRequest request)
    {
        request = default;
        var r = new SpanReader(body);
        if (!r.TryReadString(out var topic) || !r.TryReadString(out var subscription) || !r.TryReadUInt32(out uint argument))
            return false;
        var sections = r.Remaining;
        if (!OffsetRangeReader.TryMeasure(sections, out int ranges)) return false;
        request = new SettleRequest { Topic = topic, Subscription = subscription, Argument = argument, RangeCount = ranges, Sections = sections };
        return true;
    }
}
