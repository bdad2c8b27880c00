using System.Buffers;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite;

/// <summary>
/// The answer to a fetch: the partition's offset range and zero or more whole record batches, in a pooled
/// buffer. <see cref="Batches"/> is valid until <see cref="Dispose"/>; dispose exactly once. Not thread-safe.
/// A filtered fetch (<see cref="BrokerConnection.FetchFilteredAsync"/>) also carries the offsets that matched
/// (<see cref="GetRange"/>) and where to continue (<see cref="NextOffset"/>).
/// </summary>
public sealed class FetchResult : IDisposable
{
    private byte[]? _body;
    private readonly int _length;
    private readonly int _batchesAt;

    internal FetchResult(byte[] body, int length, long logStartOffset, long logEndOffset)
        : this(body, length, logStartOffset, logEndOffset, FrameWriter.FetchResponsePrefixSize, null, 0)
    {
    }

    internal FetchResult(byte[] body, int length, long logStartOffset, long logEndOffset, int batchesAt, long? nextOffset, int rangeCount)
    {
        _body = body;
        _length = length;
        _batchesAt = batchesAt;
        LogStartOffset = logStartOffset;
        LogEndOffset = logEndOffset;
        NextOffset = nextOffset;
        RangeCount = rangeCount;
    }

    /// <summary>Lowest offset the partition still stores.</summary>
    public long LogStartOffset { get; }

    /// <summary>Offset the next acknowledged record will get; records below it are readable.</summary>
    public long LogEndOffset { get; }

    /// <summary>
    /// For a filtered fetch, the offset to fetch from next: the one after the last record the broker examined,
    /// matching or not. Null for a plain fetch, which continues after the last record it returned.
    /// </summary>
    public long? NextOffset { get; }

    /// <summary>For a filtered fetch, the number of ranges of matching offsets (0 when nothing matched); 0 for a plain fetch.</summary>
    public int RangeCount { get; }

    /// <summary>
    /// Range <paramref name="index"/> of a filtered fetch, in ascending offset order: the records delivered are
    /// exactly the offsets in the ranges, and every other record of <see cref="Batches"/> is to be skipped.
    /// </summary>
    public FetchRange GetRange(int index)
    {
        ObjectDisposedException.ThrowIf(_body is null, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, RangeCount);
        return FetchFilteredResponse.ReadRange(_body.AsSpan(FetchFilteredResponse.PrefixSize, RangeCount * FetchRange.Size), index);
    }

    /// <summary>
    /// The record batches, concatenated, exactly as stored by the broker (walk them with
    /// <see cref="RecordBatch.TryReadLength"/> and <see cref="RecordBatchReader"/>). The first batch may begin
    /// below the requested offset. Empty when the long poll ended without data.
    /// </summary>
    public ReadOnlyMemory<byte> Batches
    {
        get
        {
            ObjectDisposedException.ThrowIf(_body is null, this);
            return _body.AsMemory(_batchesAt, _length - _batchesAt);
        }
    }

    /// <summary>Returns the buffer to the pool; <see cref="Batches"/> and every slice of it become invalid.</summary>
    public void Dispose()
    {
        var body = _body;
        _body = null;
        if (body is not null)
            ArrayPool<byte>.Shared.Return(body);
    }
}
