using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FastBroker.Wire.Records;

namespace FastBroker.Testing;

/// <summary>Record batches built with the real encoder for test setup, and read back for assertions.</summary>
public static class TestBatches
{
    private const long BaseTimestampMs = 1_700_000_000_000;

    /// <summary>A batch of one keyless record per value, values as UTF-8.</summary>
    public static byte[] Of(params string[] values)
    {
        using var builder = new RecordBatchBuilder();
        foreach (var value in values)
            builder.Append(BaseTimestampMs, false, default, default, Encoding.UTF8.GetBytes(value));
        return builder.Seal().ToArray();
    }

    /// <summary>A batch of <paramref name="records"/> records whose values are <paramref name="valueBytes"/> bytes of <paramref name="fill"/>.</summary>
    public static byte[] Make(int records, int valueBytes = 100, byte fill = 0x5A)
    {
        using var builder = new RecordBatchBuilder();
        var value = new byte[valueBytes];
        Array.Fill(value, fill);
        for (int i = 0; i < records; i++)
            builder.Append(BaseTimestampMs + i, hasKey: false, default, default, value);
        return builder.Seal().ToArray();
    }

    /// <summary>A batch of <paramref name="count"/> records whose values start "m{seed + i}:" and are padded with dots
    /// to <paramref name="valueBytes"/>, so each is recognisable.</summary>
    public static byte[] Numbered(int count, int valueBytes, int seed = 0)
    {
        using var builder = new RecordBatchBuilder();
        var value = new byte[valueBytes];
        for (int i = 0; i < count; i++)
        {
            var tag = Encoding.ASCII.GetBytes($"m{seed + i}:");
            value.AsSpan().Fill((byte)'.');
            tag.AsSpan(0, Math.Min(tag.Length, valueBytes)).CopyTo(value);
            builder.Append(BaseTimestampMs + i, false, default, default, value);
        }
        return builder.Seal().ToArray();
    }

    /// <summary>A batch of keyless records stamped <paramref name="timestampMs"/>, each with an <c>fb-expires</c> header when its expiry is given.</summary>
    public static byte[] Expiring(long timestampMs, params (string Value, long? ExpiresAtMs)[] records)
    {
        using var builder = new RecordBatchBuilder();
        foreach (var (value, expiresAtMs) in records)
        {
            RecordHeader[] headers = expiresAtMs is { } at
                ? [new RecordHeader(MessageExpiry.HeaderName, Encoding.UTF8.GetBytes(at.ToString(CultureInfo.InvariantCulture)))]
                : [];
            builder.Append(timestampMs, false, default, headers, Encoding.UTF8.GetBytes(value));
        }
        return builder.Seal().ToArray();
    }

    /// <summary>The (offset, key or null, value) of every record of a stored batch.</summary>
    public static List<(long Offset, string? Key, string Value)> Read(byte[] batch)
    {
        var records = new List<(long, string?, string)>();
        var reader = new RecordBatchReader(batch);
        while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
            records.Add((record.Offset, record.HasKey ? Encoding.UTF8.GetString(record.Key) : null, Encoding.UTF8.GetString(record.Value)));
        return records;
    }

    /// <summary>Every (name, value as UTF-8) header of every record of a stored batch, with the record's timestamp.</summary>
    public static List<(long TimestampMs, List<(string Name, string Value)> Headers)> Headers(byte[] batch)
    {
        var records = new List<(long, List<(string, string)>)>();
        var reader = new RecordBatchReader(batch);
        while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
        {
            var headers = new List<(string, string)>();
            var walker = new RecordHeaderReader(record.Headers);
            while (walker.TryReadNext(out var name, out var value))
                headers.Add((Encoding.UTF8.GetString(name), Encoding.UTF8.GetString(value)));
            records.Add((record.Timestamp, headers));
        }
        return records;
    }

    /// <summary>Splits concatenated batches (a read result) into (base offset, record count, bytes), checking each CRC.</summary>
    public static List<(long BaseOffset, int Records, byte[] Bytes)> Split(ReadOnlySpan<byte> data)
    {
        var batches = new List<(long, int, byte[])>();
        while (!data.IsEmpty)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[RecordBatchHeader.LengthPosition..]);
            var batch = data[..length];
            Assert.True(RecordBatch.CrcMatches(batch));
            batches.Add((RecordBatch.ReadBaseOffset(batch), RecordBatch.ReadRecordCount(batch), batch.ToArray()));
            data = data[length..];
        }
        return batches;
    }

    /// <summary>True when two batches are equal apart from the base offset the journal assigned.</summary>
    public static bool SameContent(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        => a.Length == b.Length && a[8..].SequenceEqual(b[8..]);
}
