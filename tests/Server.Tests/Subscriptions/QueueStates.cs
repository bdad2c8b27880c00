using FastBroker.Server.Subscriptions;
using FastBroker.Wire.Messages.Queues;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>Shortcuts for driving a <see cref="QueueState"/> in tests.</summary>
internal static class QueueStates
{
    public const long Visibility = 1000;

    // (offset, delivery count) of every message one acquire handed out, in order.
    public static List<(long Offset, int Deliveries)> Take(QueueState state, long now, long end, int max, long holder, long visibility = Visibility)
    {
        var ranges = new List<DeliveryRange>();
        int count = state.Acquire(now, end, max, holder, visibility, autoAck: false, ranges);
        var taken = Expand(ranges);
        Assert.Equal(count, taken.Count);
        return taken;
    }

    public static List<(long Offset, int Deliveries)> Expand(List<DeliveryRange> ranges)
    {
        var list = new List<(long, int)>();
        foreach (var range in ranges)
            for (long offset = range.First; offset < range.End; offset++) list.Add((offset, range.DeliveryCount));
        return list;
    }

    public static long[] Offsets(List<(long Offset, int Deliveries)> taken) => taken.Select(t => t.Offset).ToArray();
}
