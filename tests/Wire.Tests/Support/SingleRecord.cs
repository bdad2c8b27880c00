using System.Text;
using FastBroker.Wire.Filters;
using FastBroker.Wire.Records;

namespace FastBroker.Wire.Tests.Support;

/// <summary>
/// One record encoded by <see cref="RecordBatchBuilder"/> and read back in place, so filters and expiry are tested on
/// the bytes a broker stores, not on a hand-made <see cref="Record"/>.
/// </summary>
internal static class SingleRecord
{
    public const long Timestamp = 1_700_000_000_000;

    /// <summary>A header whose value is the UTF-8 of <paramref name="value"/>.</summary>
    public static RecordHeader Header(string name, string value) => new(name, Encoding.UTF8.GetBytes(value));

    public static RecordHeader Header(string name, byte[] value) => new(name, value);

    /// <summary>The sealed batch of one record; <paramref name="key"/> null means "no key".</summary>
    public static byte[] Encode(byte[]? key, params RecordHeader[] headers)
        => RandomData.Encode([new RecordSpec(Timestamp, key, headers, Encoding.UTF8.GetBytes("payload"))]);

    public static byte[] Encode(string? key, params RecordHeader[] headers)
        => Encode(key is null ? null : Encoding.UTF8.GetBytes(key), headers);

    public static bool Matches(MessageFilter filter, byte[] batch)
    {
        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
        return filter.Matches(record);
    }

    public static bool Matches(string filter, string? key, params RecordHeader[] headers)
        => Matches(MessageFilter.Parse(filter), Encode(key, headers));

    public static bool Matches(string filter, byte[]? key, params RecordHeader[] headers)
        => Matches(MessageFilter.Parse(filter), Encode(key, headers));

    public static bool TryGetExpiry(byte[] batch, out long expiresAtMs)
    {
        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
        return MessageExpiry.TryGetExpiry(record, out expiresAtMs);
    }

    public static bool IsExpired(byte[] batch, long nowMs)
    {
        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
        return MessageExpiry.IsExpired(record, nowMs);
    }

    public static bool TryGetDeliveryTime(byte[] batch, out long deliverAtMs)
    {
        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
        return MessageDeliveryTime.TryGetDeliveryTime(record, out deliverAtMs);
    }

    public static bool IsDelayed(byte[] batch, long nowMs)
    {
        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
        return MessageDeliveryTime.IsDelayed(record, nowMs, out _);
    }
}
