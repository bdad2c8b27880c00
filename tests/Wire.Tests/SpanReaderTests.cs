using FastBroker.Wire.Tests.Support;

namespace FastBroker.Wire.Tests;

/// <summary>The primitive every body parser is built on: a short read reports false and moves nothing.</summary>
public class SpanReaderTests
{
    [Fact]
    public void Fields_read_back_what_the_writer_wrote()
    {
        var buffer = new byte[2 + 4 + 8 + 8 + (2 + 3) + (4 + 2) + 1];
        var writer = new SpanWriter(buffer);
        writer.WriteUInt16(0xBEEF);
        writer.WriteUInt32(0xDEADBEEF);
        writer.WriteUInt64(ulong.MaxValue - 1);
        writer.WriteInt64(-5);
        writer.WriteString("abc"u8);
        writer.WriteBlob([1, 2]);
        writer.WriteBytes([9]);
        Assert.Equal(buffer.Length, writer.Written);

        var reader = new SpanReader(buffer);
        Assert.True(reader.TryReadUInt16(out ushort u16) && u16 == 0xBEEF);
        Assert.True(reader.TryReadUInt32(out uint u32) && u32 == 0xDEADBEEF);
        Assert.True(reader.TryReadUInt64(out ulong u64) && u64 == ulong.MaxValue - 1);
        Assert.True(reader.TryReadInt64(out long i64) && i64 == -5);
        Assert.True(reader.TryReadString(out var text));
        Assert.Equal("abc"u8, text);
        Assert.True(reader.TryReadBlob(out var blob));
        Assert.Equal([1, 2], blob.ToArray());
        Assert.Equal([9], reader.Remaining.ToArray());
        Assert.False(reader.End);
    }

    [Fact]
    public void Short_reads_fail_without_moving()
    {
        var reader = new SpanReader(Hex.Parse("0500 61"));
        Assert.False(reader.TryReadUInt32(out _));
        Assert.False(reader.TryReadUInt64(out _));
        Assert.False(reader.TryReadString(out _));
        Assert.False(reader.TryReadBlob(out _));
        Assert.Equal(0, reader.Consumed);

        Assert.True(reader.TryReadUInt16(out ushort length));
        Assert.Equal(5, length);
        Assert.False(reader.TryReadUInt32(out _));
        Assert.Equal(2, reader.Consumed);
        Assert.False(reader.TryReadUInt16(out _));
        Assert.Equal(2, reader.Consumed);
        Assert.Equal([0x61], reader.Remaining.ToArray());
    }

    [Fact]
    public void Blob_length_of_4_GiB_is_a_short_read_not_an_overflow()
    {
        var reader = new SpanReader(Hex.Parse("ffffffff 00"));
        Assert.False(reader.TryReadBlob(out _));
        Assert.Equal(0, reader.Consumed);
    }
}
