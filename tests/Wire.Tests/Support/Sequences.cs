using System.Buffers;

namespace FastBroker.Wire.Tests.Support;

/// <summary>Builds the byte sequences a socket reader could hand the parser: one block or many.</summary>
internal static class Sequences
{
    /// <summary>The bytes cut into consecutive segments at the given positions (empty segments allowed).</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] bytes, params int[] cuts)
    {
        // Each segment gets its own array so a parser that wrongly reads across a segment end sees other memory.
        var first = new BufferSegment(Copy(bytes, 0, cuts.Length == 0 ? bytes.Length : cuts[0]), 0);
        var last = first;
        for (int i = 0; i < cuts.Length; i++)
        {
            int start = cuts[i];
            int end = i + 1 < cuts.Length ? cuts[i + 1] : bytes.Length;
            last = last.Append(Copy(bytes, start, end - start));
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>One segment per byte: the worst fragmentation a pipe can produce.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] bytes)
    {
        var cuts = new int[Math.Max(bytes.Length - 1, 0)];
        for (int i = 0; i < cuts.Length; i++)
            cuts[i] = i + 1;
        return SplitAt(bytes, cuts);
    }

    private static byte[] Copy(byte[] bytes, int start, int length) => bytes.AsSpan(start, length).ToArray();
}
