namespace FastBroker.Wire.Messages;

/// <summary>
/// The InitProducer request and response share one grammar (PROTOCOL.md section 5.32): <c>i64 producer id, i16
/// epoch</c>. A request with <see cref="NoProducerId"/> asks for a new producer; one with an existing id and epoch
/// resumes that producer with the next epoch. The response carries the id and epoch to use.
/// </summary>
public readonly ref struct InitProducerMessage
{
    /// <summary>The body's size: the grammar is exact.</summary>
    public const int Size = 10;

    /// <summary>The producer id (and epoch) of a batch that is not idempotent, and of a request for a new producer.</summary>
    public const long NoProducerId = -1;

    /// <summary>The producer id, or <see cref="NoProducerId"/>.</summary>
    public long ProducerId { get; init; }

    /// <summary>The producer epoch, or -1 with <see cref="NoProducerId"/>.</summary>
    public short Epoch { get; init; }

    /// <summary>Parses a 10-byte body; false for any other length.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out InitProducerMessage message)
    {
        message = default;
        var reader = new SpanReader(body);
        if (!reader.TryReadInt64(out long id) || !reader.TryReadUInt16(out ushort epoch) || !reader.End)
            return false;
        message = new InitProducerMessage { ProducerId = id, Epoch = (short)epoch };
        return true;
    }
}
