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
}
