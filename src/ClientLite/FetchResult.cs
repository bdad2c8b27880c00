using System.Buffers;
using FastBroker.Wire.Messages;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite;

/// <summary>
/// The answer to a fetch: the partition's offset range and zero or more whole record batches, in a pooled
/// buffer. <see cref="Batches"/> is valid until <see cref="Dispose"/>; dispose exactly once. Not thread-safe.
/// </summary>
public sealed class FetchResult : IDisposable
{
    private byte[]? _body;
    private readonly int _length;

    internal FetchResult(byte[] body, int length, long logStartOffset, long logEndOffset)
    {
        _body = body;
        _length = length;
        LogStartOffset = logStartOffset;
        LogEndOffset = logEndOffset;
    }

    /// <summary>Lowest offset the partition still stores.</summary>
    public long LogStartOffset { get; }

    /// <summary>Offset the next acknowledged record will get; records below it are readable.</summary>
    public long LogEndOffset { get; }

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
            return _body.AsMemory(FrameWriter.FetchResponsePrefixSize, _length - FrameWriter.FetchResponsePrefixSize);
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
