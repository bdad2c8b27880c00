using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace FastBroker.Wire.Records;

/// <summary>
/// Encodes records into one batch in a pooled buffer. Not thread-safe. Reuse it with <see cref="Reset"/>;
/// <see cref="Dispose"/> returns the buffer to the pool.
/// </summary>
public sealed class RecordBatchBuilder : IDisposable
{
    private byte[] _buffer;
    private int _length;
    private int _count;
    private long _firstTimestamp;
    private long _maxTimestamp;

    /// <summary>Creates a builder whose buffer starts at <paramref name="initialCapacity"/> bytes.</summary>
    public RecordBatchBuilder(int initialCapacity = 16 * 1024)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, RecordBatchHeader.Size));
        Reset();
    }

    /// <summary>Records appended since the last reset.</summary>
    public int RecordCount => _count;

    /// <summary>Encoded size of the batch so far, header included.</summary>
    public int Length => _length;

    /// <summary>Encoded size of one record, its length field included.</summary>
    public static int MeasureRecord(int keyLength, ReadOnlySpan<RecordHeader> headers, int valueLength)
    {
        int size = 4 + 4 + 4 + Math.Max(keyLength, 0) + 2 + valueLength;
        foreach (var header in headers)
            size += 2 + Encoding.UTF8.GetByteCount(header.Name) + 4 + header.Value.Length;
        return size;
    }

    /// <summary>The most headers one record holds, and the longest header name in UTF-8 bytes (both are u16 on the wire).</summary>
    public const int MaxHeaders = ushort.MaxValue;

    /// <inheritdoc cref="MaxHeaders"/>
    public const int MaxHeaderNameBytes = ushort.MaxValue;

    /// <summary>Null when <paramref name="headers"/> fit one record (<see cref="MaxHeaders"/>,
    /// <see cref="MaxHeaderNameBytes"/>); else what does not.</summary>
    public static string? HeadersProblem(ReadOnlySpan<RecordHeader> headers)
    {
        if (headers.Length > MaxHeaders) return $"a record holds at most {MaxHeaders} headers, not {headers.Length}";
        foreach (var header in headers)
        {
            if (header.Name is null) return "a header name cannot be null";
            // A UTF-16 char is at most 3 UTF-8 bytes: short names need no count (the common case, on every record).
            if (header.Name.Length <= MaxHeaderNameBytes / 3) continue;
            int nameBytes = Encoding.UTF8.GetByteCount(header.Name);
            if (nameBytes > MaxHeaderNameBytes)
                return $"a header name is at most {MaxHeaderNameBytes} UTF-8 bytes, not {nameBytes}";
        }
        return null;
    }

    /// <summary>Starts a new, empty batch.</summary>
    public void Reset()
    {
        _length = RecordBatchHeader.Size;
        _count = 0;
        _firstTimestamp = 0;
        _maxTimestamp = 0;
    }

    /// <summary>
    /// Appends one record. <paramref name="timestampMs"/> earlier than the batch's first record is stored as the
    /// first record's timestamp, because deltas are unsigned (PROTOCOL.md, "Records").
    /// </summary>
    /// <exception cref="ArgumentException">The headers do not fit a record (<see cref="HeadersProblem"/>); nothing is appended.</exception>
    public void Append(long timestampMs, bool hasKey, ReadOnlySpan<byte> key, ReadOnlySpan<RecordHeader> headers, ReadOnlySpan<byte> value)
    {
        if (!headers.IsEmpty && HeadersProblem(headers) is { } problem) throw new ArgumentException(problem, nameof(headers));
        if (_count == 0)
        {
            _firstTimestamp = timestampMs;
            _maxTimestamp = timestampMs;
        }
        long delta = Math.Clamp(timestampMs - _firstTimestamp, 0, uint.MaxValue);
        _maxTimestamp = Math.Max(_maxTimestamp, _firstTimestamp + delta);

        if (!hasKey) key = default;
        int size = MeasureRecord(hasKey ? key.Length : -1, headers, value.Length);
        EnsureCapacity(size);
        var writer = new SpanWriter(_buffer.AsSpan(_length, size));
        writer.WriteUInt32((uint)(size - 4));
        writer.WriteUInt32((uint)delta);
        writer.WriteUInt32(hasKey ? (uint)key.Length : uint.MaxValue);
        writer.WriteBytes(key);
        writer.WriteUInt16(checked((ushort)headers.Length));
        foreach (var header in headers)
        {
            int nameBytes = Encoding.UTF8.GetByteCount(header.Name);
            writer.WriteUInt16(checked((ushort)nameBytes));
            Span<byte> name = _buffer.AsSpan(_length + writer.Written, nameBytes);
            Encoding.UTF8.GetBytes(header.Name, name);
            writer.WriteBytes(name);
            writer.WriteBlob(header.Value.Span);
        }
        writer.WriteBytes(value);
        _length += size;
        _count++;
    }

    /// <summary>
    /// Writes the header and CRC and returns the finished batch. The bytes stay valid until the next
    /// <see cref="Reset"/>, <see cref="Append"/> or <see cref="Dispose"/>.
    /// </summary>
    public ReadOnlyMemory<byte> Seal(long producerId = -1, short producerEpoch = -1, int baseSequence = -1)
    {
        if (_count == 0) throw new InvalidOperationException("A record batch needs at least one record.");
        var header = new RecordBatchHeader(0, _length, 0, RecordBatchHeader.CurrentFormatVersion, 0, _count,
            _firstTimestamp, _maxTimestamp, producerId, baseSequence, producerEpoch);
        var span = _buffer.AsSpan(0, _length);
        header.Write(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[RecordBatchHeader.CrcPosition..], RecordBatch.ComputeCrc(span));
        return _buffer.AsMemory(0, _length);
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private void EnsureCapacity(int extra)
    {
        if (_buffer.Length - _length >= extra) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
