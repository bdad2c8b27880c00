namespace FastBroker.Server.Topics.Producers;

/// <summary>
/// What a partition remembers of one idempotent producer: its epoch, its last stored batches (a ring that grows to
/// <see cref="ProducerStateTable.MaxRecentBatches"/>) and when it was last seen. Allocated once per producer and
/// partition; only the partition's writer loop touches it. <see cref="Epoch"/> -1 means nothing is known yet.
/// </summary>
internal sealed class ProducerEntry(long producerId)
{
    private RecentBatch[] _recent = new RecentBatch[4];
    private int _head;

    public long ProducerId { get; } = producerId;

    public short Epoch { get; private set; } = -1;

    /// <summary>Sequence of the last record stored (valid when <see cref="Count"/> &gt; 0).</summary>
    public int LastSequence { get; private set; }

    public long LastSeenMs { get; set; }

    /// <summary>Batches remembered.</summary>
    public int Count { get; private set; }

    // The view of this entry with the current group's accepted batches applied (see ProducerStateTable).
    public int PendingStamp;
    public short PendingEpoch;
    public int PendingLastSequence;
    public bool PendingHasBatches;
    public bool PendingReset;

    public RecentBatch Recent(int newestFirst) => _recent[(_head - 1 - newestFirst + _recent.Length) % _recent.Length];

    /// <summary>Records a stored batch; a higher epoch forgets the older epoch's batches, a lower one is ignored.</summary>
    public void Apply(short epoch, int firstSequence, int count, long baseOffset, int maxRecent)
    {
        if (epoch < Epoch) return;
        if (epoch > Epoch)
        {
            Epoch = epoch;
            Count = 0;
        }
        if (Count == _recent.Length && _recent.Length < maxRecent)
            Grow(Math.Min(_recent.Length * 2, maxRecent));
        _recent[_head] = new RecentBatch(firstSequence, count, baseOffset);
        _head = (_head + 1) % _recent.Length;
        if (Count < _recent.Length) Count++;
        LastSequence = ProducerSequence.Last(firstSequence, count);
    }

    private void Grow(int size)
    {
        var bigger = new RecentBatch[size];
        for (int i = 0; i < Count; i++)
            bigger[Count - 1 - i] = Recent(i);
        _recent = bigger;
        _head = Count % size;
    }
}
