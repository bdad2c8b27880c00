using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;

namespace FastBroker.Wire.Tests.Records;

public class RecordBatchRoundTripTests
{
    [Theory]
    [MemberData(nameof(Seeds.Some), MemberType = typeof(Seeds))]
    public void Random_records_come_back_with_offsets_from_the_assigned_base(int seed)
    {
        var data = new RandomData(seed);
        var records = data.Records(data.Int(1, 60), data.Long(0, 4_000_000_000_000));
        long baseOffset = data.Long(0, long.MaxValue / 2);
        var batch = RandomData.Encode(records, initialCapacity: 64);

        RecordBatch.SetBaseOffset(batch, baseOffset);

        Assert.Equal(ErrorCode.None, RecordBatch.Validate(batch, Protocol.DefaultMaxMessageBytes));
        var header = RecordBatchHeader.Read(batch);
        Assert.Equal(baseOffset, header.BaseOffset);
        Assert.Equal(batch.Length, header.Length);
        Assert.Equal(records.Count, header.RecordCount);
        Assert.Equal(records.Count, RecordBatch.ReadRecordCount(batch));
        Assert.Equal(baseOffset + records.Count - 1, header.LastOffset);
        Assert.Equal(records[0].Timestamp, header.FirstTimestamp);
        Assert.Equal(records[^1].Timestamp, header.MaxTimestamp);
        Assert.Equal(header.MaxTimestamp, RecordBatch.ReadMaxTimestamp(batch));

        var reader = new RecordBatchReader(batch);
        for (int i = 0; i < records.Count; i++)
        {
            Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record, out int recordBytes));
            RecordAssert.Equal(records[i], baseOffset + i, record);
            int keyLength = records[i].Key?.Length ?? -1;
            Assert.Equal(RecordBatchBuilder.MeasureRecord(keyLength, records[i].Headers, records[i].Value.Length) - 4, recordBytes);
        }
        Assert.Equal(RecordReadStatus.End, reader.TryReadNext(out _));
        Assert.Equal(RecordReadStatus.End, reader.TryReadNext(out _));
    }

    [Fact]
    public void Absent_key_empty_key_and_empty_value_stay_distinct()
    {
        var batch = RandomData.Encode(
        [
            new RecordSpec(1000, null, [], []),
            new RecordSpec(1000, [], [], []),
            new RecordSpec(1000, "k"u8.ToArray(), [], []),
        ]);

        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var absent, out int absentBytes));
        Assert.False(absent.HasKey);
        Assert.Equal(10, absentBytes);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var empty));
        Assert.True(empty.HasKey);
        Assert.True(empty.Key.IsEmpty);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var present));
        Assert.Equal("k"u8, present.Key);
        Assert.True(present.Value.IsEmpty);
    }

    [Theory]
    [InlineData(Protocol.DefaultMaxMessageBytes - 10, ErrorCode.None)]
    [InlineData(Protocol.DefaultMaxMessageBytes - 9, ErrorCode.MessageTooLarge)]
    public void Value_of_a_megabyte_round_trips_and_the_cap_counts_the_record_after_its_length(int valueLength, ErrorCode expected)
    {
        var value = new RandomData(valueLength).Bytes(valueLength);
        var batch = RandomData.Encode([new RecordSpec(5, null, [], value)], initialCapacity: 1);

        Assert.Equal(RecordBatchHeader.Size + 4 + 10 + valueLength, batch.Length);
        Assert.Equal(expected, RecordBatch.Validate(batch, Protocol.DefaultMaxMessageBytes));
        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
        Assert.Equal(value, record.Value.ToArray());
    }

    [Fact]
    public void Record_timestamp_earlier_than_the_first_is_stored_as_the_first()
    {
        var batch = RandomData.Encode(
        [
            new RecordSpec(10_000, null, [], []),
            new RecordSpec(9_000, null, [], []),
            new RecordSpec(12_000, null, [], []),
        ]);

        long[] expected = [10_000, 10_000, 12_000];
        var reader = new RecordBatchReader(batch);
        foreach (long timestamp in expected)
        {
            Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
            Assert.Equal(timestamp, record.Timestamp);
        }
        Assert.Equal(12_000, RecordBatch.ReadMaxTimestamp(batch));
    }

    [Fact]
    public void Timestamp_delta_beyond_32_bits_is_capped()
    {
        long first = 1_000;
        var batch = RandomData.Encode([new RecordSpec(first, null, [], []), new RecordSpec(first + (1L << 40), null, [], [])]);

        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out _));
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var late));
        Assert.Equal(first + uint.MaxValue, late.Timestamp);
        Assert.Equal(first + uint.MaxValue, RecordBatch.ReadMaxTimestamp(batch));
    }

    [Fact]
    public void Max_timestamp_is_the_largest_not_the_last()
    {
        var batch = RandomData.Encode(
        [
            new RecordSpec(100, null, [], []),
            new RecordSpec(900, null, [], []),
            new RecordSpec(400, null, [], []),
        ]);
        var header = RecordBatchHeader.Read(batch);
        Assert.Equal(100, header.FirstTimestamp);
        Assert.Equal(900, header.MaxTimestamp);
    }

    [Fact]
    public void Reset_builder_writes_the_same_bytes_as_a_new_one()
    {
        var data = new RandomData(7);
        var first = data.Records(20, 1_700_000_000_000);
        var second = data.Records(5, 1_700_000_100_000);

        using var builder = new RecordBatchBuilder(128);
        foreach (var r in first)
            builder.Append(r.Timestamp, r.HasKey, r.Key, r.Headers, r.Value);
        builder.Seal();
        builder.Reset();
        Assert.Equal(0, builder.RecordCount);
        Assert.Equal(RecordBatchHeader.Size, builder.Length);
        foreach (var r in second)
            builder.Append(r.Timestamp, r.HasKey, r.Key, r.Headers, r.Value);

        Assert.Equal(RandomData.Encode(second), builder.Seal().ToArray());
        Assert.Equal(second.Count, builder.RecordCount);
    }

    [Fact]
    public void Sealed_batch_has_version_1_no_attributes_and_unused_producer_fields()
    {
        var header = RecordBatchHeader.Read(RandomData.Encode([new RecordSpec(1, null, [], [1])]));
        Assert.Equal(0, header.BaseOffset);
        Assert.Equal(RecordBatchHeader.CurrentFormatVersion, header.FormatVersion);
        Assert.Equal(0, header.Attributes);
        Assert.Equal(-1, header.ProducerId);
        Assert.Equal(-1, header.BaseSequence);
        Assert.Equal(-1, header.ProducerEpoch);
    }

    [Fact]
    public void Producer_fields_given_to_seal_are_written_and_covered_by_the_crc()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1, false, default, [], "v"u8);
        var batch = builder.Seal(producerId: 7_000_000_000, producerEpoch: 3, baseSequence: 12).ToArray();

        var header = RecordBatchHeader.Read(batch);
        Assert.Equal((7_000_000_000L, (short)3, 12), (header.ProducerId, header.ProducerEpoch, header.BaseSequence));
        Assert.Equal(ErrorCode.None, RecordBatch.Validate(batch, Protocol.DefaultMaxMessageBytes));
        batch[48] ^= 1;
        Assert.False(RecordBatch.CrcMatches(batch));
    }

    [Fact]
    public void Sealing_an_empty_batch_is_refused()
    {
        using var builder = new RecordBatchBuilder();
        Assert.Throws<InvalidOperationException>(() => builder.Seal());
    }

    [Fact]
    public void Headers_keep_their_order_duplicates_and_utf8_names()
    {
        RecordHeader[] headers = [new("ключ", new byte[] { 1 }), new("a", Array.Empty<byte>()), new("a", new byte[] { 2, 3 }), new("😀", new byte[300])];
        var batch = RandomData.Encode([new RecordSpec(1, null, headers, [9])]);

        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out var record));
        RecordAssert.Equal(new RecordSpec(1, null, headers, [9]), 0, record);
    }

    [Fact]
    public void Measured_size_is_the_encoded_size()
    {
        RecordHeader[] headers = [new("é", new byte[] { 1, 2 }), new("n", Array.Empty<byte>())];
        int measured = RecordBatchBuilder.MeasureRecord(3, headers, 11);

        using var builder = new RecordBatchBuilder();
        builder.Append(0, true, "abc"u8, headers, new byte[11]);

        Assert.Equal(RecordBatchHeader.Size + measured, builder.Length);
        Assert.Equal(4 + 4 + 4 + 3 + 2 + (2 + 2 + 4 + 2) + (2 + 1 + 4) + 11, measured);
    }
}
