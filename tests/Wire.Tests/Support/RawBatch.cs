using System.Buffers.Binary;
using FastBroker.Wire.Records;

namespace FastBroker.Wire.Tests.Support;

/// <summary>
/// Builds record batches byte by byte, bypassing <see cref="RecordBatchBuilder"/>, so tests can put
/// malformed records behind a correct header and CRC and see the structural checks (not the CRC) reject them.
/// </summary>
internal static class RawBatch
{
    public const long FirstTimestamp = 1_700_000_000_000;

    /// <summary>A batch of the given encoded records, its header (and CRC) describing them.</summary>
    public static byte[] Build(int recordCount, params byte[][] records)
    {
        int length = RecordBatchHeader.Size;
        foreach (var record in records)
            length += record.Length;
        var batch = new byte[length];
        int position = RecordBatchHeader.Size;
        foreach (var record in records)
        {
            record.CopyTo(batch, position);
            position += record.Length;
        }
        new RecordBatchHeader(0, length, 0, RecordBatchHeader.CurrentFormatVersion, 0, recordCount,
            FirstTimestamp, FirstTimestamp, -1, -1, -1).Write(batch);
        Reseal(batch);
        return batch;
    }

    /// <summary>Recomputes the stored CRC after a test changed header or record bytes on purpose.</summary>
    public static void Reseal(byte[] batch)
        => BinaryPrimitives.WriteUInt32LittleEndian(batch.AsSpan(RecordBatchHeader.CrcPosition), RecordBatch.ComputeCrc(batch));

    /// <summary>
    /// One encoded record. <paramref name="keyLength"/>, <paramref name="headerCount"/> and
    /// <paramref name="lengthField"/> override what is written in those fields (the bytes that follow stay as
    /// given), to make lying lengths.
    /// </summary>
    public static byte[] Record(byte[]? key, byte[] value, (byte[] Name, byte[] Value)[]? headers = null,
        uint timestampDelta = 0, int? keyLength = null, ushort? headerCount = null, uint? lengthField = null)
    {
        var body = new List<byte>();
        AddUInt32(body, timestampDelta);
        AddUInt32(body, (uint)(keyLength ?? (key is null ? -1 : key.Length)));
        if (key is not null) body.AddRange(key);
        headers ??= [];
        AddUInt16(body, headerCount ?? (ushort)headers.Length);
        foreach (var (name, headerValue) in headers)
        {
            AddUInt16(body, (ushort)name.Length);
            body.AddRange(name);
            AddUInt32(body, (uint)headerValue.Length);
            body.AddRange(headerValue);
        }
        body.AddRange(value);

        var record = new List<byte>(4 + body.Count);
        AddUInt32(record, lengthField ?? (uint)body.Count);
        record.AddRange(body);
        return [.. record];
    }

    private static void AddUInt16(List<byte> bytes, ushort value)
    {
        Span<byte> scratch = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(scratch, value);
        bytes.AddRange(scratch);
    }

    private static void AddUInt32(List<byte> bytes, uint value)
    {
        Span<byte> scratch = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(scratch, value);
        bytes.AddRange(scratch);
    }
}
