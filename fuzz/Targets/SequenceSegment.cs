using System.Buffers;

namespace FastBroker.Fuzz.Targets;

/// <summary>A link of a hand-made multi-segment sequence, so frame parsing is fuzzed across segment edges too.</summary>
internal sealed class SequenceSegment : ReadOnlySequenceSegment<byte>
{
    public SequenceSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public SequenceSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new SequenceSegment(memory, RunningIndex + Memory.Length);
        Next = next;
        return next;
    }

    /// <summary>Cuts <paramref name="data"/> into segments of <paramref name="size"/> bytes (the last may be shorter).</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, int size)
    {
        if (data.Length <= size) return new ReadOnlySequence<byte>(data);
        var first = new SequenceSegment(data.AsMemory(0, size), 0);
        var last = first;
        for (int at = size; at < data.Length; at += size)
            last = last.Append(data.AsMemory(at, Math.Min(size, data.Length - at)));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
