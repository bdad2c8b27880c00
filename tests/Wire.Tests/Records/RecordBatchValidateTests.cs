using System.Buffers.Binary;
using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;
using FastBroker.Wire.Tests.Vectors;

namespace FastBroker.Wire.Tests.Records;

/// <summary>
/// <see cref="RecordBatch.Validate"/> as PROTOCOL.md section 6.5 orders it. Malformed records are put behind a
/// correct CRC (<see cref="RawBatch"/>), so what rejects them is the structural check under test.
/// </summary>
public class RecordBatchValidateTests
{
    private const int Cap = Protocol.DefaultMaxMessageBytes;

    private static readonly byte[] Name = "name"u8.ToArray();
    private static readonly byte[] Value = "value"u8.ToArray();

    [Fact]
    public void Sound_batches_are_valid()
    {
        Assert.Equal(ErrorCode.None, RecordBatch.Validate(SampleBatch.Encode(0), Cap));
        var raw = RawBatch.Build(2, RawBatch.Record("k"u8.ToArray(), Value, [(Name, Value)]), RawBatch.Record(null, []));
        Assert.Equal(ErrorCode.None, RecordBatch.Validate(raw, Cap));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(RecordBatchHeader.Size - 1)]
    public void Fewer_bytes_than_a_header_are_corrupt(int length)
        => Assert.Equal(ErrorCode.CorruptBatch, RecordBatch.Validate(SampleBatch.Encode(0).AsSpan(0, length), Cap));

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(1000)]
    public void Length_field_other_than_the_batch_size_is_corrupt(int delta)
    {
        var batch = SampleBatch.Encode(0);
        BinaryPrimitives.WriteUInt32LittleEndian(batch.AsSpan(RecordBatchHeader.LengthPosition), (uint)(batch.Length + delta));
        Assert.Equal(ErrorCode.CorruptBatch, RecordBatch.Validate(batch, Cap));
    }

    [Fact]
    public void Batch_cut_short_or_followed_by_more_bytes_is_corrupt()
    {
        var batch = SampleBatch.Encode(0);
        Assert.Equal(ErrorCode.CorruptBatch, RecordBatch.Validate(batch.AsSpan(0, batch.Length - 1), Cap));
        Assert.Equal(ErrorCode.CorruptBatch, RecordBatch.Validate([.. batch, 0], Cap));
    }

    [Fact]
    public void Flipping_any_byte_after_the_base_offset_is_rejected()
    {
        var batch = SampleBatch.Encode(0);
        for (int i = 0; i < batch.Length; i++)
        {
            var flipped = batch.ToArray();
            flipped[i] ^= 0xFF;
            var expected = i switch
            {
                < 8 => ErrorCode.None,                  // base offset: not covered, assigned by the broker
                >= 16 and < 20 => ErrorCode.UnsupportedFeature, // version and attributes are checked before the CRC
                _ => ErrorCode.CorruptBatch,
            };
            Assert.True(expected == RecordBatch.Validate(flipped, Cap), $"byte {i}: expected {expected}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(ushort.MaxValue)]
    public void Format_version_other_than_1_is_unsupported(ushort version)
    {
        var batch = SampleBatch.Encode(0);
        BinaryPrimitives.WriteUInt16LittleEndian(batch.AsSpan(16), version);
        RawBatch.Reseal(batch);
        Assert.Equal(ErrorCode.UnsupportedFeature, RecordBatch.Validate(batch, Cap));
    }

    [Theory]
    [InlineData(0)]   // compression codec bits 0-2
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]   // transactional
    [InlineData(4)]
    [InlineData(15)]
    public void Any_attribute_bit_is_unsupported(int bit)
    {
        var batch = SampleBatch.Encode(0);
        BinaryPrimitives.WriteUInt16LittleEndian(batch.AsSpan(18), (ushort)(1 << bit));
        RawBatch.Reseal(batch);
        Assert.Equal(ErrorCode.UnsupportedFeature, RecordBatch.Validate(batch, Cap));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public void Record_count_other_than_the_records_present_is_corrupt(int declared)
    {
        var batch = RawBatch.Build(declared, RawBatch.Record(null, Value), RawBatch.Record(null, Value));
        Assert.Equal(ErrorCode.CorruptBatch, RecordBatch.Validate(batch, Cap));
    }

    [Fact]
    public void Reserved_and_producer_fields_are_not_checked()
    {
        var batch = SampleBatch.Encode(0);
        BinaryPrimitives.WriteUInt16LittleEndian(batch.AsSpan(54), 0xFFFF);
        BinaryPrimitives.WriteInt64LittleEndian(batch.AsSpan(40), 12345);
        RawBatch.Reseal(batch);
        Assert.Equal(ErrorCode.None, RecordBatch.Validate(batch, Cap));
    }

    public static TheoryData<string, byte[]> MalformedRecords() => new()
    {
        { "record length past the batch end", RawBatch.Record(null, Value, lengthField: 100) },
        { "record length of 9, too short for its fixed fields", Hex.Parse("09000000 00000000 ffffffff 00") },
        { "record length field cut off", Hex.Parse("0a00") },
        { "key length past the record end", RawBatch.Record("abc"u8.ToArray(), Value, keyLength: 50) },
        { "key length of -2", RawBatch.Record(null, Value, keyLength: -2) },
        { "key length of int.MinValue", RawBatch.Record(null, Value, keyLength: int.MinValue) },
        { "header count beyond the headers", RawBatch.Record(null, [], [(Name, Value)], headerCount: 2) },
        { "header name length past the record end", Patch16(RawBatch.Record(null, [], [(Name, Value)]), 14, 200) },
        { "header value length past the record end", Patch32(RawBatch.Record(null, [], [(Name, Value)]), 20, 200) },
        { "header value length of 4 GiB", Patch32(RawBatch.Record(null, [], [(Name, Value)]), 20, uint.MaxValue) },
    };

    [Theory]
    [MemberData(nameof(MalformedRecords))]
    public void Malformed_record_behind_a_correct_crc_is_corrupt(string what, byte[] record)
    {
        var batch = RawBatch.Build(1, record);
        Assert.True(RecordBatch.CrcMatches(batch), what);
        Assert.Equal(ErrorCode.CorruptBatch, RecordBatch.Validate(batch, Cap));
        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Malformed, reader.TryReadNext(out _));
    }

    [Fact]
    public void Malformed_second_record_is_corrupt_after_a_good_first()
    {
        var batch = RawBatch.Build(2, RawBatch.Record(null, Value), RawBatch.Record(null, Value, keyLength: 99));
        Assert.Equal(ErrorCode.CorruptBatch, RecordBatch.Validate(batch, Cap));
        var reader = new RecordBatchReader(batch);
        Assert.Equal(RecordReadStatus.Ok, reader.TryReadNext(out _));
        Assert.Equal(RecordReadStatus.Malformed, reader.TryReadNext(out _));
    }

    [Fact]
    public void Stray_bytes_after_the_last_record_are_corrupt()
    {
        var batch = RawBatch.Build(1, RawBatch.Record(null, Value), [0x01, 0x02, 0x03]);
        Assert.Equal(ErrorCode.CorruptBatch, RecordBatch.Validate(batch, Cap));
    }

    [Theory]
    [InlineData(15, ErrorCode.MessageTooLarge)] // both records are over
    [InlineData(34, ErrorCode.MessageTooLarge)] // the first record (35 bytes after its length) is over
    [InlineData(35, ErrorCode.None)]            // a record of exactly the cap is allowed
    [InlineData(Cap, ErrorCode.None)]
    public void Record_longer_than_the_message_cap_is_too_large(int maxMessageBytes, ErrorCode expected)
        => Assert.Equal(expected, RecordBatch.Validate(SampleBatch.Encode(0), maxMessageBytes));

    [Theory]
    [InlineData(15, 35L)] // both records are over: the first one is named
    [InlineData(34, 35L)]
    [InlineData(35, -1L)] // none is over
    public void FirstOversizedRecordLength_names_the_length_field_of_the_first_record_over_the_cap(int maxMessageBytes, long expected)
        => Assert.Equal(expected, RecordBatch.FirstOversizedRecordLength(SampleBatch.Encode(0), maxMessageBytes));

    [Fact]
    public void FirstOversizedRecordLength_counts_key_headers_and_framing_not_only_the_value()
    {
        var batch = RawBatch.Build(2, RawBatch.Record(null, Value), RawBatch.Record("k"u8.ToArray(), new byte[100], [("h"u8.ToArray(), "v"u8.ToArray())]));
        // The second record: 4 ts delta + 4 key len + 1 key + 2 hdr count + (2 + 1 name + 4 + 1 value) + 100 value.
        Assert.Equal(119L, RecordBatch.FirstOversizedRecordLength(batch, 100));
        Assert.Equal(ErrorCode.MessageTooLarge, RecordBatch.Validate(batch, 100));
    }

    [Fact]
    public void Corruption_wins_over_size_when_the_malformed_record_comes_first()
    {
        var batch = RawBatch.Build(2, RawBatch.Record(null, Value, keyLength: 99), RawBatch.Record(null, new byte[100]));
        Assert.Equal(ErrorCode.CorruptBatch, RecordBatch.Validate(batch, maxMessageBytes: 50));
    }

    private static byte[] Patch16(byte[] record, int at, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(at), value);
        return record;
    }

    private static byte[] Patch32(byte[] record, int at, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(at), value);
        return record;
    }
}
