using System.Buffers.Binary;
using FastBroker.Wire;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Topics.Producers;

/// <summary>
/// One partition's idempotent-producer state (PROTOCOL.md 5.7, "Idempotent batches"): per producer id, the epoch and
/// the last <see cref="MaxRecentBatches"/> batches' sequence ranges and offsets. Used only by the partition's writer
/// loop, so it takes no locks. A group is checked batch by batch (<see cref="Check"/>, then <see cref="Appended"/> for
/// each batch appended); the accepted batches stay pending, visible to later batches of the same group, until
/// <see cref="CommitGroup"/> applies them or <see cref="AbortGroup"/> (the write was undone) drops them.
/// </summary>
internal sealed class ProducerStateTable(TimeSpan expiry)
{
    /// <summary>Batches remembered per producer: a retry of any of a producer's last this-many batches is recognised.
    /// ClientLite keeps at most this many batches in flight.</summary>
    public const int MaxRecentBatches = 64;

    private readonly Dictionary<long, ProducerEntry> _entries = [];
    private readonly List<Pending> _pending = [];
    private readonly long _expiryMs = (long)expiry.TotalMilliseconds;
    private int _stamp;
    private long _nowMs;

    /// <summary>Producers with state in this partition.</summary>
    public int Count => _entries.Count;

    /// <summary>The producer's entry, or null (tests).</summary>
    public ProducerEntry? Find(long producerId) => _entries.GetValueOrDefault(producerId);

    /// <summary>Starts checking a group, at <paramref name="nowMs"/>.</summary>
    public void BeginGroup(long nowMs)
    {
        _pending.Clear();
        _stamp++;
        _nowMs = nowMs;
    }

    /// <summary>Decides what to do with one batch of the group (its header in <paramref name="batch"/>).</summary>
    public ProducerVerdict Check(ReadOnlySpan<byte> batch)
    {
        long producerId = BinaryPrimitives.ReadInt64LittleEndian(batch[40..]);
        if (producerId < 0) return ProducerVerdict.Append;
        int baseSequence = BinaryPrimitives.ReadInt32LittleEndian(batch[48..]);
        short epoch = BinaryPrimitives.ReadInt16LittleEndian(batch[52..]);
        int count = RecordBatch.ReadRecordCount(batch);
        if (epoch < 0 || baseSequence < 0)
            return ProducerVerdict.Refuse(ErrorCode.InvalidArgument,
                $"producer {producerId}: an idempotent batch needs an epoch and a base sequence ≥ 0 (got {epoch} and {baseSequence}); nothing was stored");

        if (!_entries.TryGetValue(producerId, out var entry))
        {
            entry = new ProducerEntry(producerId);
            _entries.Add(producerId, entry);
        }
        bool pending = entry.PendingStamp == _stamp;
        short current = pending ? entry.PendingEpoch : entry.Epoch;
        bool hasBatches = pending ? entry.PendingHasBatches : entry.Count > 0;
        if (epoch < current)
            return ProducerVerdict.Refuse(ErrorCode.ProducerFenced,
                $"producer {producerId} epoch {epoch} is fenced: epoch {current} took over; nothing was stored");

        if (current >= 0 && epoch == current && hasBatches)
        {
            int last = pending ? entry.PendingLastSequence : entry.LastSequence;
            int expected = ProducerSequence.Add(last, 1);
            if (baseSequence != expected)
            {
                if (FindDuplicate(entry, pending, baseSequence, count, out long offset))
                    return ProducerVerdict.Duplicate(offset);
                return ProducerVerdict.Refuse(ErrorCode.OutOfOrderSequence,
                    $"producer {producerId} epoch {epoch}: base sequence {baseSequence} is not the next one ({expected}) nor a recent batch's; nothing was stored");
            }
        }
        else if (current >= 0 && epoch > current && baseSequence != 0)
        {
            return ProducerVerdict.Refuse(ErrorCode.OutOfOrderSequence,
                $"producer {producerId}: a new epoch ({epoch}) starts at sequence 0, not {baseSequence}; nothing was stored");
        }
        // The producer's first batch here (or the first since its state expired) sets where its sequence stands.

        if (!pending)
        {
            entry.PendingStamp = _stamp;
            entry.PendingReset = false;
        }
        if (epoch != current) entry.PendingReset = true;
        entry.PendingEpoch = epoch;
        entry.PendingLastSequence = ProducerSequence.Last(baseSequence, count);
        entry.PendingHasBatches = true;
        _pending.Add(new Pending(entry, epoch, baseSequence, count, -1));
        return ProducerVerdict.Append;
    }

    /// <summary>The batch accepted by the last <see cref="Check"/> was appended at <paramref name="baseOffset"/>.</summary>
    public void Appended(ReadOnlySpan<byte> batch, long baseOffset)
    {
        if (BinaryPrimitives.ReadInt64LittleEndian(batch[40..]) < 0) return;
        var last = _pending[^1];
        _pending[^1] = last with { BaseOffset = baseOffset };
    }

    /// <summary>The group is stored: its accepted batches become the producers' state.</summary>
    public void CommitGroup()
    {
        foreach (var p in _pending)
        {
            p.Entry.Apply(p.Epoch, p.FirstSequence, p.Count, p.BaseOffset, MaxRecentBatches);
            p.Entry.LastSeenMs = _nowMs;
        }
        _pending.Clear();
        _stamp++;
    }

    /// <summary>The group was not stored: its batches leave no trace.</summary>
    public void AbortGroup()
    {
        _pending.Clear();
        _stamp++;
    }

    /// <summary>Applies a batch found in the journal when the partition opens (oldest first).</summary>
    public void Observe(in RecordBatchHeader header)
    {
        if (header.ProducerId < 0 || header.ProducerEpoch < 0 || header.BaseSequence < 0) return;
        if (!_entries.TryGetValue(header.ProducerId, out var entry))
        {
            entry = new ProducerEntry(header.ProducerId);
            _entries.Add(header.ProducerId, entry);
        }
        entry.Apply(header.ProducerEpoch, header.BaseSequence, header.RecordCount, header.BaseOffset, MaxRecentBatches);
        // The producer's clock stands in for the broker's, which did not see the batch this run.
        entry.LastSeenMs = Math.Max(entry.LastSeenMs, header.MaxTimestamp);
    }

    /// <summary>Forgets producers not seen for longer than the expiry; returns how many.</summary>
    public int Expire(long nowMs)
    {
        int removed = 0;
        foreach (var (id, entry) in _entries)
        {
            if (nowMs - entry.LastSeenMs <= _expiryMs) continue;
            _entries.Remove(id);
            removed++;
        }
        return removed;
    }

    private bool FindDuplicate(ProducerEntry entry, bool pending, int baseSequence, int count, out long offset)
    {
        if (pending)
        {
            for (int i = _pending.Count - 1; i >= 0; i--)
            {
                var p = _pending[i];
                if (p.Entry != entry || p.FirstSequence != baseSequence || p.Count != count) continue;
                offset = p.BaseOffset;
                return true;
            }
        }
        if (!pending || !entry.PendingReset)
        {
            for (int i = 0; i < entry.Count; i++)
            {
                var recent = entry.Recent(i);
                if (recent.FirstSequence != baseSequence || recent.Count != count) continue;
                offset = recent.BaseOffset;
                return true;
            }
        }
        offset = -1;
        return false;
    }

    private readonly record struct Pending(ProducerEntry Entry, short Epoch, int FirstSequence, int Count, long BaseOffset);
}
