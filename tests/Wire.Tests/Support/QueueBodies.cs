using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Wire.Tests.Support;

/// <summary>Collects what the work-queue readers yield into lists, so tests can compare whole bodies.</summary>
internal static class QueueBodies
{
    public static bool TryReadDelivery(ReadOnlySpan<byte> body, out List<(int Partition, DeliveryRange[] Ranges, byte[] Batches)> sections)
    {
        sections = [];
        if (!DeliveryReader.TryCreate(body, out var reader)) return false;
        while (reader.TryReadSection(out var section))
        {
            var ranges = new DeliveryRange[section.RangeCount];
            for (int i = 0; i < ranges.Length; i++)
                ranges[i] = section.GetRange(i);
            sections.Add((section.Partition, ranges, section.Batches.ToArray()));
        }
        return true;
    }

    public static bool TryReadSettle(ReadOnlySpan<byte> body, out List<OffsetRange> ranges)
    {
        ranges = [];
        if (!SettleRequest.TryParse(body, out var request)) return false;
        var reader = request.Ranges;
        while (reader.TryReadNext(out var range))
            ranges.Add(range);
        Assert.Equal(request.RangeCount, ranges.Count);
        return true;
    }

    /// <summary>The sections count of an Ack, Nack or Extend body: the u32 right after the argument.</summary>
    public static uint SettleSectionCount(ReadOnlySpan<byte> body)
    {
        var r = new SpanReader(body);
        uint sections = 0;
        Assert.True(r.TryReadString(out _) && r.TryReadString(out _) && r.TryReadUInt32(out _) && r.TryReadUInt32(out sections));
        return sections;
    }
}
