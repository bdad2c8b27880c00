using System.Runtime.InteropServices;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.ClientLite.Internal;

/// <summary>Builds the fewest <see cref="OffsetRange"/>s covering a set of messages, for Ack, Nack and Extend frames.</summary>
internal static class OffsetRanges
{
    /// <summary>Adds one offset, growing the last range when the offset continues it (the common in-order case).</summary>
    public static void Add(List<OffsetRange> ranges, int partition, long offset)
    {
        if (ranges.Count > 0)
        {
            var last = ranges[^1];
            if (last.Partition == partition && last.End == offset && last.Count < int.MaxValue)
            {
                ranges[^1] = last with { Count = last.Count + 1 };
                return;
            }
        }
        ranges.Add(new OffsetRange(partition, offset, 1));
    }

    /// <summary>Sorts by partition then offset and merges ranges that touch or overlap, in place.</summary>
    public static void Normalize(List<OffsetRange> ranges)
    {
        if (ranges.Count < 2)
            return;
        var span = CollectionsMarshal.AsSpan(ranges);
        span.Sort(static (a, b) => a.Partition != b.Partition ? a.Partition.CompareTo(b.Partition) : a.First.CompareTo(b.First));
        int kept = 0;
        for (int i = 1; i < span.Length; i++)
        {
            var current = span[kept];
            var next = span[i];
            if (next.Partition == current.Partition && next.First <= current.End && Math.Max(current.End, next.End) - current.First <= int.MaxValue)
                span[kept] = current with { Count = (int)(Math.Max(current.End, next.End) - current.First) };
            else
                span[++kept] = next;
        }
        ranges.RemoveRange(kept + 1, ranges.Count - kept - 1);
    }
}
