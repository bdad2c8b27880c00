using FastBroker.Wire.Records;

namespace FastBroker.Wire.Tests.Vectors;

/// <summary>
/// The record batch of PROTOCOL.md's test vectors: two records, the first with a key and one header,
/// the second with neither, at fixed timestamps.
/// </summary>
internal static class SampleBatch
{
    public const long FirstTimestamp = 1_700_000_000_000;
    public const long SecondTimestamp = 1_700_000_000_250;
    public const int Length = 115;
    public const uint Crc = 0x927F7DDB;

    public static byte[] Encode(long baseOffset)
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(FirstTimestamp, hasKey: true, "user-7"u8, [new RecordHeader("trace", "t-1"u8.ToArray())], "hello"u8);
        builder.Append(SecondTimestamp, hasKey: false, default, [], "world!"u8);
        var batch = builder.Seal().ToArray();
        RecordBatch.SetBaseOffset(batch, baseOffset);
        return batch;
    }

    public static void AssertDecoded(ReadOnlySpan<byte> batch, long baseOffset)
    {
        Assert.Equal(ErrorCode.None, RecordBatch.Validate(batch, Protocol.DefaultMaxMessageBytes));
        var header = RecordBatchHeader.Read(batch);
        Assert.Equal(new RecordBatchHeader(baseOffset, Length, Crc, 1, 0, 2, FirstTimestamp, SecondTimestamp, -1, -1, -1), header);

        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var first, out int firstBytes));
        Assert.Equal(35, firstBytes);
        Assert.Equal(baseOffset, first.Offset);
        Assert.Equal(FirstTimestamp, first.Timestamp);
        Assert.True(first.HasKey);
        Assert.Equal("user-7"u8, first.Key);
        Assert.Equal(1, first.HeaderCount);
        var headers = new RecordHeaderReader(first.Headers);
        Assert.True(headers.TryReadNext(out var name, out var value));
        Assert.Equal("trace"u8, name);
        Assert.Equal("t-1"u8, value);
        Assert.False(headers.TryReadNext(out _, out _));
        Assert.Equal("hello"u8, first.Value);

        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var second, out int secondBytes));
        Assert.Equal(16, secondBytes);
        Assert.Equal(baseOffset + 1, second.Offset);
        Assert.Equal(SecondTimestamp, second.Timestamp);
        Assert.False(second.HasKey);
        Assert.True(second.Key.IsEmpty);
        Assert.Equal(0, second.HeaderCount);
        Assert.Equal("world!"u8, second.Value);

        Assert.Equal(RecordReadStatus.End, reader.TryReadNext(out _));
    }
}
