using System.Buffers;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>One in-memory partition log. Callers hold the store's lock.</summary>
internal sealed class FakePartition
{
    private TaskCompletionSource _dataArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<byte[]> Batches { get; } = [];

    public long Start { get; set; }

    public long End { get; private set; }

    /// <summary>Reports the range a broker gives a partition it could not open (PROTOCOL.md section 5.6).</summary>
    public void MarkUnavailable()
    {
        Start = -1;
        End = -1;
    }

    /// <summary>Completes at the next append.</summary>
    public Task DataArrived => _dataArrived.Task;

    // Idempotent batches stored, by (producer id, epoch, base sequence, count): a resend is answered with its offset.
    private readonly Dictionary<(long, short, int, int), long> _idempotent = [];

    /// <summary>Duplicates answered with their original offset instead of being stored again.</summary>
    public int Duplicates { get; private set; }

    /// <summary>As <see cref="Append"/>, except that an idempotent batch stored before is answered with its offset.</summary>
    public long AppendIdempotent(ReadOnlySpan<byte> batch, out bool duplicate)
    {
        var header = RecordBatchHeader.Read(batch);
        duplicate = false;
        if (header.ProducerId < 0)
            return Append(batch);
        var key = (header.ProducerId, header.ProducerEpoch, header.BaseSequence, header.RecordCount);
        if (_idempotent.TryGetValue(key, out long offset))
        {
            duplicate = true;
            Duplicates++;
            return offset;
        }
        offset = Append(batch);
        _idempotent[key] = offset;
        return offset;
    }

    public long Append(ReadOnlySpan<byte> batch)
    {
        var stored = batch.ToArray();
        long baseOffset = End;
        RecordBatch.SetBaseOffset(stored, baseOffset);
        Batches.Add(stored);
        End += RecordBatch.ReadRecordCount(stored);
        var arrived = _dataArrived;
        _dataArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        arrived.SetResult();
        return baseOffset;
    }

    /// <summary>Whole batches from the one holding <paramref name="offset"/> on, at least one, up to about <paramref name="maxBytes"/>.</summary>
    public byte[] Read(uint requestId, long offset, int maxBytes)
    {
        var chosen = new List<byte[]>();
        int total = 0;
        foreach (var batch in Batches)
        {
            long last = RecordBatch.ReadBaseOffset(batch) + RecordBatch.ReadRecordCount(batch) - 1;
            if (last < offset)
                continue;
            if (chosen.Count > 0 && total + batch.Length > maxBytes)
                break;
            chosen.Add(batch);
            total += batch.Length;
        }
        return Frames.Encode(w =>
        {
            FrameWriter.WriteFetchResponsePrefix(w, requestId, Start, End, total);
            foreach (var batch in chosen)
                w.Write(batch);
        });
    }
}
