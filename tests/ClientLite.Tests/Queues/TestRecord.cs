using System.Text;
using FastBroker.Wire.Records;

namespace FastBroker.ClientLite.Tests.Queues;

/// <summary>A record to put in a test batch: UTF-8 key (null: none), value and headers, and its timestamp.</summary>
internal sealed record TestRecord(string Value, string? Key = null, long TimestampMs = 1_700_000_000_000, params (string Name, string Value)[] Headers)
{
    /// <summary>One batch holding <paramref name="records"/> in order.</summary>
    public static byte[] Batch(params TestRecord[] records)
    {
        using var builder = new RecordBatchBuilder();
        foreach (var record in records)
        {
            var headers = new RecordHeader[record.Headers.Length];
            for (int i = 0; i < headers.Length; i++)
                headers[i] = new RecordHeader(record.Headers[i].Name, Encoding.UTF8.GetBytes(record.Headers[i].Value));
            builder.Append(record.TimestampMs, record.Key is not null, record.Key is null ? default : Encoding.UTF8.GetBytes(record.Key), headers,
                Encoding.UTF8.GetBytes(record.Value));
        }
        return builder.Seal().ToArray();
    }

    /// <summary>Every record of a stored batch, decoded back.</summary>
    public static List<(long Offset, TestRecord Record)> Read(byte[] batch)
    {
        var records = new List<(long, TestRecord)>();
        var reader = new RecordBatchReader(batch);
        while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
        {
            var headers = new List<(string, string)>();
            var headerReader = new RecordHeaderReader(record.Headers);
            while (headerReader.TryReadNext(out var name, out var value))
                headers.Add((Encoding.UTF8.GetString(name), Encoding.UTF8.GetString(value)));
            records.Add((record.Offset, new TestRecord(Encoding.UTF8.GetString(record.Value),
                record.HasKey ? Encoding.UTF8.GetString(record.Key) : null, record.Timestamp, [.. headers])));
        }
        return records;
    }
}
