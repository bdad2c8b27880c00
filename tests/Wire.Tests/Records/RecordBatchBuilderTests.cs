using FastBroker.Wire.Records;

namespace FastBroker.Wire.Tests.Records;

public sealed class RecordBatchBuilderTests
{
    [Fact]
    public void Key_bytes_are_ignored_when_the_record_has_no_key()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1000, hasKey: false, "ignored"u8, default, "value"u8);
        var batch = builder.Seal().Span;

        Assert.Equal(ErrorCode.None, RecordBatch.Validate(batch, 1024));
        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
        Assert.False(record.HasKey);
        Assert.True(record.Key.IsEmpty);
        Assert.Equal("value"u8.ToArray(), record.Value.ToArray());
    }

    [Fact]
    public void Earlier_timestamps_than_the_first_record_are_stored_as_the_first()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(5000, false, default, default, "a"u8);
        builder.Append(4000, false, default, default, "b"u8);
        var reader = new RecordBatchReader(builder.Seal().Span);
        reader.TryReadNext(out var first);
        Assert.Equal(5000, first.Timestamp);
        reader.TryReadNext(out var second);
        Assert.Equal(5000, second.Timestamp);
    }

    [Fact]
    public void The_buffer_grows_past_its_initial_capacity()
    {
        using var builder = new RecordBatchBuilder(initialCapacity: 64);
        var value = new byte[10_000];
        for (int i = 0; i < 20; i++) builder.Append(1, false, default, default, value);
        var batch = builder.Seal().Span;
        Assert.Equal(ErrorCode.None, RecordBatch.Validate(batch, 1 << 20));
        Assert.Equal(20, RecordBatch.ReadRecordCount(batch));
    }

    [Fact]
    public void Headers_a_record_cannot_hold_are_refused_and_leave_the_batch_as_it_was()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1000, false, default, default, "kept"u8);
        int length = builder.Length;
        RecordHeader[] longName = [new(new string('h', RecordBatchBuilder.MaxHeaderNameBytes + 1), "v"u8.ToArray())];
        var tooMany = new RecordHeader[RecordBatchBuilder.MaxHeaders + 1];
        Array.Fill(tooMany, new RecordHeader("h", default));

        var nameError = Assert.Throws<ArgumentException>(() => builder.Append(2000, false, default, longName, "x"u8));
        var countError = Assert.Throws<ArgumentException>(() => builder.Append(2000, false, default, tooMany, "x"u8));

        Assert.Contains("at most 65535 UTF-8 bytes, not 65536", nameError.Message, StringComparison.Ordinal);
        Assert.Contains("at most 65535 headers, not 65536", countError.Message, StringComparison.Ordinal);
        Assert.Equal((1, length), (builder.RecordCount, builder.Length));
        Assert.Equal(ErrorCode.None, RecordBatch.Validate(builder.Seal().Span, 1024));
    }

    [Fact]
    public void A_header_name_of_exactly_the_limit_is_stored()
    {
        using var builder = new RecordBatchBuilder();
        string name = new('h', RecordBatchBuilder.MaxHeaderNameBytes);
        builder.Append(1000, false, default, [new RecordHeader(name, "v"u8.ToArray())], "x"u8);

        var reader = new RecordBatchReader(builder.Seal().Span);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
        var headers = new RecordHeaderReader(record.Headers);
        Assert.True(headers.TryReadNext(out var stored, out _));
        Assert.Equal(RecordBatchBuilder.MaxHeaderNameBytes, stored.Length);
    }
}
