using FastBroker.Wire.Messages.Queues;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>
/// A shared subscription of the fake broker: one cursor per partition for messages never delivered, a lease per
/// delivered message until it is acked. Enough of the real semantics to test a client against (visibility
/// timeouts, nack delays, delivery counts, release on disconnect, ack mode none); no dead-lettering. Callers hold
/// the store's lock.
/// </summary>
internal sealed class FakeSubscription(string topic, string name, FakePartition[] partitions, SubscriptionSettings settings)
{
    private readonly long[] _cursor = new long[partitions.Length];
    private readonly Dictionary<(int, long), FakeLease> _leases = [];
    private readonly HashSet<(int, long)> _acked = [];

    public string Topic { get; } = topic;

    public string Name { get; } = name;

    public SubscriptionSettings Settings { get; } = settings;

    public FakePartition[] Partitions { get; } = partitions;

    public long DeliveredTotal { get; private set; }

    public long AckedTotal { get; private set; }

    public bool IsAcked(int partition, long offset) => _acked.Contains((partition, offset));

    public IEnumerable<FakeLease> Leases => _leases.Values;

    /// <summary>Takes up to <paramref name="max"/> visible messages for <paramref name="connection"/>: returned ones first, then new ones.</summary>
    public List<(int Partition, long Offset, ushort DeliveryCount)> Take(int connection, FakePush? push, int max, uint visibilityMs, DateTimeOffset now)
    {
        Expire(now);
        var deadline = now + TimeSpan.FromMilliseconds(visibilityMs == 0 ? Settings.VisibilityTimeoutMs : visibilityMs);
        var taken = new List<(int, long, ushort)>();
        foreach (var lease in _leases.Values.Where(l => !l.InFlight && l.VisibleAt <= now).OrderBy(l => l.Partition).ThenBy(l => l.Offset).ToList())
        {
            if (taken.Count == max)
                break;
            Deliver(lease, connection, push, deadline);
            taken.Add((lease.Partition, lease.Offset, lease.DeliveryCount));
        }
        for (int p = 0; p < Partitions.Length && taken.Count < max; p++)
        {
            _cursor[p] = Math.Max(_cursor[p], Partitions[p].Start);
            while (taken.Count < max && _cursor[p] < Partitions[p].End)
            {
                var lease = new FakeLease(p, _cursor[p]++);
                _leases.Add((lease.Partition, lease.Offset), lease);
                Deliver(lease, connection, push, deadline);
                taken.Add((lease.Partition, lease.Offset, lease.DeliveryCount));
            }
        }
        taken.Sort();
        return taken;
    }

    /// <summary>Acks every delivered, unacked message in the ranges; returns how many.</summary>
    public uint Ack(int connection, IEnumerable<OffsetRange> ranges)
    {
        uint applied = 0;
        foreach (var (partition, offset) in Offsets(ranges))
        {
            if (!_leases.Remove((partition, offset), out var lease))
                continue;
            if (lease.InFlight && lease.Connection == connection)
                lease.Push?.OnSettled();
            _acked.Add((partition, offset));
            AckedTotal++;
            applied++;
        }
        return applied;
    }

    /// <summary>Gives back messages in flight to <paramref name="connection"/>, visible after the delay.</summary>
    public uint Nack(int connection, IEnumerable<OffsetRange> ranges, uint delayMs, DateTimeOffset now)
    {
        uint applied = 0;
        foreach (var key in Offsets(ranges))
        {
            if (!_leases.TryGetValue(key, out var lease) || !lease.InFlight || lease.Connection != connection)
                continue;
            lease.Push?.OnSettled();
            lease.InFlight = false;
            lease.VisibleAt = now + TimeSpan.FromMilliseconds(delayMs);
            applied++;
        }
        return applied;
    }

    /// <summary>Moves the deadline of messages in flight to <paramref name="connection"/>.</summary>
    public uint Extend(int connection, IEnumerable<OffsetRange> ranges, uint visibilityMs, DateTimeOffset now)
    {
        uint applied = 0;
        foreach (var key in Offsets(ranges))
        {
            if (!_leases.TryGetValue(key, out var lease) || !lease.InFlight || lease.Connection != connection)
                continue;
            lease.Deadline = now + TimeSpan.FromMilliseconds(visibilityMs);
            applied++;
        }
        return applied;
    }

    /// <summary>Makes everything in flight to a closed connection visible again at once.</summary>
    public void Release(int connection)
    {
        foreach (var lease in _leases.Values)
        {
            if (lease.InFlight && lease.Connection == connection)
            {
                lease.InFlight = false;
                lease.VisibleAt = DateTimeOffset.MinValue;
            }
        }
    }

    public SubscriptionStats Stats(DateTimeOffset now)
    {
        Expire(now);
        long backlog = 0;
        for (int p = 0; p < Partitions.Length; p++)
            backlog += Partitions[p].End - Math.Max(_cursor[p], Partitions[p].Start);
        long inFlight = _leases.Values.Count(l => l.InFlight);
        long delayed = _leases.Values.Count(l => !l.InFlight && l.VisibleAt > now);
        long visible = backlog + _leases.Count - inFlight - delayed;
        return new SubscriptionStats(Settings, visible, inFlight, delayed, 0, _leases.Count > 0 ? 1234 : -1, DeliveredTotal, AckedTotal, 7, 3,
            Filtered: 11, Expired: 13);
    }

    private void Deliver(FakeLease lease, int connection, FakePush? push, DateTimeOffset deadline)
    {
        lease.DeliveryCount++;
        DeliveredTotal++;
        if (Settings.AckMode == AckMode.None)
        {
            push?.OnSettled(); // acked on delivery: settled the moment it leaves
            _leases.Remove((lease.Partition, lease.Offset));
            _acked.Add((lease.Partition, lease.Offset));
            AckedTotal++;
            return;
        }
        lease.InFlight = true;
        lease.Connection = connection;
        lease.Push = push;
        lease.Deadline = deadline;
    }

    private void Expire(DateTimeOffset now)
    {
        foreach (var lease in _leases.Values)
        {
            if (lease.InFlight && lease.Deadline <= now)
            {
                lease.InFlight = false;
                lease.VisibleAt = now;
            }
        }
    }

    private static IEnumerable<(int, long)> Offsets(IEnumerable<OffsetRange> ranges)
    {
        foreach (var range in ranges)
        {
            for (long offset = range.First; offset < range.End; offset++)
                yield return (range.Partition, offset);
        }
    }
}
