using System.Text;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>Encodes and decodes record batches for test setup and assertions.</summary>
internal static class TestBatches
{
    /// <summary>A batch of one record per value, keyless, values as UTF-8.</summary>
    public static byte[] Of(params string[] values)
    {
        using var builder = new RecordBatchBuilder();
        foreach (var value in values)
            builder.Append(1_700_000_000_000, false, default, default, Encoding.UTF8.GetBytes(value));
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
}
