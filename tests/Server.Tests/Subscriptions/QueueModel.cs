namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>
/// A deliberately naive reference model of one partition of a shared subscription, written from the semantics
/// alone: an array of messages, each with a status, a delivery count and a holder. Time only moves deadlines when an
/// acquire or a sweep looks at them (deadlines are applied lazily, as the broker does).
/// </summary>
public sealed class QueueModel(int maxDeliveries, int capacity)
{
    private readonly ModelMessage[] _messages = Enumerable.Range(0, capacity).Select(_ => new ModelMessage()).ToArray();

    /// <summary>The first offset a fresh delivery looks at: everything below it was delivered since the start or is done.</summary>
    public long Cursor { get; private set; }

    /// <summary>Failed deliveries since the last drain, in the order they happened (offset, deliveries).</summary>
    public List<(long Offset, int Deliveries)> Failures { get; } = [];

    /// <summary>Messages that ran out of deliveries since the last drain.</summary>
    public List<(long Offset, int Deliveries)> DeadLetters { get; } = [];

    public ModelMessage this[long offset] => _messages[offset];

    public int Count(ModelStatus status) => _messages.Count(m => m.Status == status);

    /// <summary>The lowest offset not done, but never above what was delivered since the start.</summary>
    public long Floor
    {
        get
        {
            long lowest = 0;
            while (lowest < capacity && _messages[lowest].IsDone) lowest++;
            return Math.Min(lowest, Cursor);
        }
    }

    /// <summary>Messages a receive could get now (before deadlines are applied): visible again, or fresh below <paramref name="end"/>.</summary>
    public long VisibleBelow(long end) => Count(ModelStatus.Visible) + _messages.Take((int)end).Count(m => m.Status == ModelStatus.Fresh);

    public List<(long Offset, int Deliveries)> Acquire(long now, long end, int max, long holder, long visibility)
    {
        Expire(now);
        var taken = new List<(long, int)>();
        // Messages back for redelivery come first, oldest offset first.
        for (long offset = 0; offset < capacity && taken.Count < max; offset++)
        {
            if (_messages[offset].Status == ModelStatus.Visible) taken.Add(Deliver(offset, now, holder, visibility));
        }
        // Then messages never delivered since the start, in offset order, skipping those already done.
        while (taken.Count < max && Cursor < end)
        {
            long offset = Cursor++;
            var message = _messages[offset];
            if (message.IsDone) continue;
            if (message.Status != ModelStatus.Fresh) throw new InvalidOperationException($"model: offset {offset} at the cursor is {message}");
            taken.Add(Deliver(offset, now, holder, visibility));
        }
        return taken;
    }

    private (long, int) Deliver(long offset, long now, long holder, long visibility)
    {
        var message = _messages[offset];
        message.Deliveries++;
        message.Status = ModelStatus.InFlight;
        message.Holder = holder;
        message.Due = now + visibility;
        return (offset, message.Deliveries);
    }

    /// <summary>A message handed out but never sent: visible again, and the delivery does not count.</summary>
    public void GiveBack(long offset)
    {
        var message = _messages[offset];
        if (message.Status != ModelStatus.InFlight) return;
        message.Deliveries--;
        message.Status = ModelStatus.Visible;
    }

    public void Expire(long now)
    {
        for (long offset = 0; offset < capacity; offset++)
        {
            var message = _messages[offset];
            if (message.Status == ModelStatus.InFlight && message.Due <= now) Fail(offset, now, now);
            else if (message.Status == ModelStatus.Delayed && message.Due <= now) message.Status = ModelStatus.Visible;
        }
    }

    /// <summary>Acks every delivered message in the range that is not done or being dead-lettered, whoever holds it;
    /// the offsets it applied to go to <paramref name="applied"/>.</summary>
    public int Ack(long first, int count, List<long> applied)
    {
        foreach (long offset in Range(first, count))
        {
            var message = _messages[offset];
            if (message.Status is not (ModelStatus.InFlight or ModelStatus.Visible or ModelStatus.Delayed)) continue;
            message.Status = ModelStatus.Acked;
            applied.Add(offset);
        }
        return applied.Count;
    }

    public int Nack(long first, int count, long holder, long delay, long now)
    {
        int applied = 0;
        foreach (long offset in Range(first, count))
        {
            if (!HeldBy(offset, holder)) continue;
            Fail(offset, now + delay, now);
            applied++;
        }
        return applied;
    }

    public int Extend(long first, int count, long holder, long visibility, long now)
    {
        int applied = 0;
        foreach (long offset in Range(first, count))
        {
            if (!HeldBy(offset, holder)) continue;
            _messages[offset].Due = now + visibility;
            applied++;
        }
        return applied;
    }

    public int Release(long holder, long now)
    {
        int released = 0;
        for (long offset = 0; offset < capacity; offset++)
        {
            if (!HeldBy(offset, holder)) continue;
            Fail(offset, now, now);
            released++;
        }
        return released;
    }

    public void CompleteDeadLetter(long offset)
    {
        if (_messages[offset].Status == ModelStatus.DeadLettering) _messages[offset].Status = ModelStatus.DeadLettered;
    }

    /// <summary>What a restart keeps: done stays done; everything else is fresh again with the deliveries recorded at
    /// its last failure, and fresh delivery starts over from the lowest offset not done.</summary>
    public void Restart()
    {
        foreach (var message in _messages)
        {
            if (message.IsDone) continue;
            message.Status = ModelStatus.Fresh;
            message.Deliveries = message.Recorded;
            message.Holder = 0;
            message.Due = 0;
        }
        long lowest = 0;
        while (lowest < capacity && _messages[lowest].IsDone) lowest++;
        Cursor = lowest;
    }

    public bool HeldBy(long offset, long holder) => _messages[offset].Status == ModelStatus.InFlight && _messages[offset].Holder == holder;

    // A failed delivery (nack, timeout, disconnect): dead letter when out of deliveries, else visible now or later.
    private void Fail(long offset, long visibleAt, long now)
    {
        var message = _messages[offset];
        message.Recorded = message.Deliveries;
        Failures.Add((offset, message.Deliveries));
        if (message.Deliveries >= maxDeliveries)
        {
            message.Status = ModelStatus.DeadLettering;
            DeadLetters.Add((offset, message.Deliveries));
        }
        else if (visibleAt <= now)
        {
            message.Status = ModelStatus.Visible;
        }
        else
        {
            message.Status = ModelStatus.Delayed;
            message.Due = visibleAt;
        }
    }

    private IEnumerable<long> Range(long first, int count)
    {
        for (long offset = Math.Max(0, first); offset < Math.Min(capacity, first + count); offset++) yield return offset;
    }

    public override string ToString()
        => string.Join(", ", _messages.Select((m, i) => (m, i)).Where(x => x.m.Status != ModelStatus.Fresh || x.m.Deliveries > 0).Select(x => $"{x.i}:{x.m}"));
}
