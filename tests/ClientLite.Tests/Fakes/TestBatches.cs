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

    /// <summary>A batch of keyless records stamped <paramref name="timestampMs"/>, each with an <c>fb-expires</c> header when its expiry is given.</summary>
    public static byte[] Expiring(long timestampMs, params (string Value, long? ExpiresAtMs)[] records)
    {
        using var builder = new RecordBatchBuilder();
        foreach (var (value, expiresAtMs) in records)
        {
            RecordHeader[] headers = expiresAtMs is { } at
                ? [new RecordHeader(MessageExpiry.HeaderName, Encoding.UTF8.GetBytes(at.ToString(System.Globalization.CultureInfo.InvariantCulture)))]
                : [];
            builder.Append(timestampMs, false, default, headers, Encoding.UTF8.GetBytes(value));
        }
        return builder.Seal().ToArray();
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
