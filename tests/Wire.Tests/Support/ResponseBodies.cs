namespace FastBroker.Wire.Tests.Support;

/// <summary>
/// Decoders for the response bodies src/Wire has no parser for (ListTopics, TopicMetadata, Publish,
/// ReadPosition), written from the grammar in PROTOCOL.md with the Wire <see cref="SpanReader"/>.
/// </summary>
internal static class ResponseBodies
{
    // list topics response = u32 count, (string name, u32 partitions) * count
    public static bool TryReadListTopics(ReadOnlySpan<byte> body, out List<(string Name, uint Partitions)> topics)
    {
        topics = [];
        var reader = new SpanReader(body);
        if (!reader.TryReadUInt32(out uint count)) return false;
        for (uint i = 0; i < count; i++)
        {
            if (!reader.TryReadString(out var name) || !reader.TryReadUInt32(out uint partitions)) return false;
            topics.Add((System.Text.Encoding.UTF8.GetString(name), partitions));
        }
        return reader.End;
    }

    // topic metadata response = u32 partitions, (i64 log start offset, i64 log end offset) * partitions
    public static bool TryReadTopicMetadata(ReadOnlySpan<byte> body, out List<(long Start, long End)> partitions)
    {
        partitions = [];
        var reader = new SpanReader(body);
        if (!reader.TryReadUInt32(out uint count)) return false;
        for (uint i = 0; i < count; i++)
        {
            if (!reader.TryReadInt64(out long start) || !reader.TryReadInt64(out long end)) return false;
            partitions.Add((start, end));
        }
        return reader.End;
    }

    // publish response = i64 base offset; read position response = i64 offset (-1 = none)
    public static bool TryReadOffset(ReadOnlySpan<byte> body, out long offset)
    {
        var reader = new SpanReader(body);
        return reader.TryReadInt64(out offset) && reader.End;
    }
}
