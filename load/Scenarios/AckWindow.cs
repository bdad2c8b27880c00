using FastBroker.Load.Measurement;

namespace FastBroker.Load.Scenarios;

/// <summary>
/// The publishes one publisher has in flight, oldest first, in a fixed ring. A publish is counted when it is
/// retired: as soon as it is seen acknowledged, or when the ring is full and the publisher has to wait for it.
/// Used by one publisher loop only; allocates nothing after construction.
/// </summary>
internal sealed class AckWindow
{
    private readonly ValueTask[] _ring;
    private readonly WorkerStats _stats;
    private long _added;
    private long _retired;

    /// <summary>Creates a ring of <paramref name="capacity"/> publishes counting into <paramref name="stats"/>.</summary>
    public AckWindow(int capacity, WorkerStats stats)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _ring = new ValueTask[capacity];
        _stats = stats;
    }

    /// <summary>True when no more publishes fit until the oldest is retired.</summary>
    public bool IsFull => _added - _retired >= _ring.Length;

    /// <summary>Publishes added so far.</summary>
    public long Added => _added;

    /// <summary>Adds a publish; the caller has made room first (<see cref="IsFull"/> is false).</summary>
    public void Add(ValueTask publish)
    {
        _ring[(int)(_added % _ring.Length)] = publish;
        _added++;
    }

    /// <summary>Retires every leading publish that is already acknowledged, without waiting. Throws the failure of a
    /// publish that failed.</summary>
    public void RetireCompleted()
    {
        while (_retired < _added)
        {
            ref var oldest = ref _ring[(int)(_retired % _ring.Length)];
            if (!oldest.IsCompleted)
                return;
            var publish = oldest;
            oldest = default;
            _retired++;
            publish.GetAwaiter().GetResult();
            _stats.Add(1);
        }
    }

    /// <summary>The oldest publish still in flight, to await when the ring is full; retire it with <see cref="RetireOldest"/>.</summary>
    public ValueTask Oldest => _ring[(int)(_retired % _ring.Length)];

    /// <summary>Counts the oldest publish as done after the caller awaited <see cref="Oldest"/>.</summary>
    public void RetireOldest()
    {
        _ring[(int)(_retired % _ring.Length)] = default;
        _retired++;
        _stats.Add(1);
    }

    /// <summary>True while any publish is in flight.</summary>
    public bool HasInFlight => _retired < _added;
}
