using System.Text;
using FastBroker.Wire.Records;

namespace FastBroker.Wire.Tests.Records;

/// <summary>A slice of a stored batch is a sound batch of just those records, with their offsets and timestamps.</summary>
public class RecordBatchSliceTests
{
    private static byte[] Stored(long baseOffset, int count)
    {
        using var builder = new RecordBatchBuilder();
        for (int i = 0; i < count; i++)
            builder.Append(1_000 + i * 10, hasKey: true, Encoding.UTF8.GetBytes($"k{i}"), [new RecordHeader("h", new byte[] { (byte)i })], Encoding.UTF8.GetBytes($"value-{i}"));
        var batch = builder.Seal().ToArray();
        RecordBatch.SetBaseOffset(batch, baseOffset);
        return batch;
    }

    // Byte position of each record, and the end of the last.
    private static int[] Positions(byte[] batch)
    {
        var positions = new List<int> { RecordBatchHeader.Size };
        var reader = new RecordBatchReader(batch);
        while (reader.TryReadNext(out _, out int bytes) == RecordReadStatus.Ok)
            positions.Add(positions[^1] + 4 + bytes);
        return positions.ToArray();
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 3)]
    [InlineData(4, 1)]
    public void A_slice_holds_exactly_its_records_with_their_offsets_timestamps_and_a_valid_crc(int first, int count)
    {
        var stored = Stored(baseOffset: 100, count: 5);
        var positions = Positions(stored);
        var slice = new byte[stored.Length];

        int written = RecordBatch.WriteSlice(stored, positions[first], positions[first + count], first, count, slice);

        var batch = slice.AsSpan(0, written);
        Assert.Equal(RecordBatchHeader.Size + positions[first + count] - positions[first], written);
        Assert.Equal(ErrorCode.None, RecordBatch.Validate(batch, Protocol.DefaultMaxMessageBytes));
        var header = RecordBatchHeader.Read(batch);
        var original = RecordBatchHeader.Read(stored);
        Assert.Equal(original with { BaseOffset = 100 + first, Length = written, RecordCount = count, Crc = header.Crc }, header);
        var reader = new RecordBatchReader(batch);
        for (int i = first; i < first + count; i++)
        {
            Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
            Assert.Equal(100L + i, record.Offset);
            Assert.Equal(1_000L + i * 10, record.Timestamp);
            Assert.Equal($"k{i}", Encoding.UTF8.GetString(record.Key));
            Assert.Equal($"value-{i}", Encoding.UTF8.GetString(record.Value));
        }
        Assert.Equal(RecordReadStatus.End, reader.TryReadNext(out _));
    }

    [Fact]
    public void A_slice_outside_the_records_or_too_big_for_the_destination_is_rejected()
    {
        var stored = Stored(baseOffset: 0, count: 2);
        var positions = Positions(stored);
        Assert.Throws<ArgumentException>(() => RecordBatch.WriteSlice(stored, 10, positions[1], 0, 1, new byte[stored.Length]));
        Assert.Throws<ArgumentException>(() => RecordBatch.WriteSlice(stored, positions[0], positions[1], 0, 1, new byte[RecordBatchHeader.Size]));
    }
}
