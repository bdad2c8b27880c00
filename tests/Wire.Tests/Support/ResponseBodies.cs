using FastBroker.Wire.Messages;

namespace FastBroker.Wire.Tests.Support;

/// <summary>Collects the Wire response readers' output into lists so tests can compare whole responses.</summary>
internal static class ResponseBodies
{
    public static bool TryReadListTopics(ReadOnlySpan<byte> body, out List<(string Name, uint Partitions)> topics)
    {
        topics = [];
        if (!ListTopicsResponseReader.TryCreate(body, out var reader)) return false;
        while (reader.TryReadNext(out var name, out int partitions))
            topics.Add((System.Text.Encoding.UTF8.GetString(name), (uint)partitions));
        return reader.IsComplete;
    }

    public static bool TryReadListTopicsWithIds(ReadOnlySpan<byte> body, out List<(string Name, uint Partitions, Guid Id)> topics)
    {
        topics = [];
        if (!ListTopicsResponseReader.TryCreate(body, withIds: true, out var reader)) return false;
        while (reader.TryReadNext(out var name, out int partitions, out Guid id))
            topics.Add((System.Text.Encoding.UTF8.GetString(name), (uint)partitions, id));
        return reader.IsComplete;
    }

    public static bool TryReadTopicMetadata(ReadOnlySpan<byte> body, out List<(long Start, long End)> partitions)
    {
        partitions = [];
        if (!TopicMetadataResponseReader.TryCreate(body, out var reader)) return false;
        while (reader.TryReadNext(out long start, out long end))
            partitions.Add((start, end));
        return true;
    }

    public static bool TryReadOffset(ReadOnlySpan<byte> body, out long offset) => OffsetResponse.TryParse(body, out offset);
}
