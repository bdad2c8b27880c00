using System.Buffers.Binary;
using System.Text;
using FastBroker.Wire.Records;

namespace FastBroker.Wire.Tests.Records;

/// <summary>Skipping a record steps over exactly that record: the next read gets the one after it, with its offset.</summary>
public class RecordBatchSkipTests
{
    private static byte[] Stored(long baseOffset, int count)
    {
        using var builder = new RecordBatchBuilder();
        for (int i = 0; i < count; i++)
            builder.Append(1_000 + i, hasKey: true, Encoding.UTF8.GetBytes($"k{i}"), [new RecordHeader("h", new byte[] { (byte)i })], Encoding.UTF8.GetBytes($"value-{i}"));
        var batch = builder.Seal().ToArray();
        RecordBatch.SetBaseOffset(batch, baseOffset);
        return batch;
    }

    [Fact]
    public void Skipped_records_are_stepped_over_and_the_next_read_has_the_right_offset_and_value()
    {
        var reader = new RecordBatchReader(Stored(baseOffset: 50, count: 4));

        Assert.Equal(50, reader.NextOffset);
        Assert.Equal(RecordReadStatus.Ok, reader.TrySkipNext());
        Assert.Equal(RecordReadStatus.Ok, reader.TrySkipNext());
        Assert.Equal(52, reader.NextOffset);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
        Assert.Equal(52, record.Offset);
        Assert.Equal("value-2", Encoding.UTF8.GetString(record.Value));
        Assert.Equal(53, reader.NextOffset);
        Assert.Equal(RecordReadStatus.Ok, reader.TrySkipNext());
        Assert.Equal(RecordReadStatus.End, reader.TrySkipNext());
        Assert.Equal(RecordReadStatus.End, reader.TryReadNext(out _));
    }

    [Fact]
    public void A_length_past_the_end_of_the_batch_is_malformed()
    {
        var batch = Stored(baseOffset: 0, count: 2);
        BinaryPrimitives.WriteUInt32LittleEndian(batch.AsSpan(RecordBatchHeader.Size), (uint)batch.Length);
        var reader = new RecordBatchReader(batch);

        Assert.Equal(RecordReadStatus.Malformed, reader.TrySkipNext());
        Assert.Equal(0, reader.NextOffset);
    }
}
