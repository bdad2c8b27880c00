using System.Buffers;
using System.Buffers.Binary;
using FastBroker.Wire.Records;
using FastBroker.Wire.Tests.Support;
using FastBroker.Wire.Tests.Vectors;

namespace FastBroker.Wire.Tests.Records;

public class RecordBatchTests
{
    [Fact]
    public void Setting_the_base_offset_keeps_the_crc_valid()
    {
        var batch = SampleBatch.Encode(0);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(batch.AsSpan(RecordBatchHeader.CrcPosition));

        RecordBatch.SetBaseOffset(batch, 123_456_789_012);

        Assert.Equal(123_456_789_012, RecordBatch.ReadBaseOffset(batch));
        Assert.Equal(crc, BinaryPrimitives.ReadUInt32LittleEndian(batch.AsSpan(RecordBatchHeader.CrcPosition)));
        Assert.True(RecordBatch.CrcMatches(batch));
        Assert.Equal(ErrorCode.None, RecordBatch.Validate(batch, Protocol.DefaultMaxMessageBytes));
    }

    [Fact]
    public void Crc_covers_every_byte_from_16_and_none_before()
    {
        var batch = SampleBatch.Encode(0);
        for (int i = 0; i < batch.Length; i++)
        {
            var flipped = batch.ToArray();
            flipped[i] ^= 0x01;
            bool outsideCoverage = i < RecordBatchHeader.CrcStart;
            bool crcFieldItself = i >= RecordBatchHeader.CrcPosition && i < RecordBatchHeader.CrcStart;
            Assert.True(RecordBatch.CrcMatches(flipped) == (outsideCoverage && !crcFieldItself), $"byte {i}");
        }
    }

    [Fact]
    public void Crc_is_crc32c_of_bytes_16_to_the_end()
    {
        var batch = SampleBatch.Encode(0);
        Assert.Equal(Crc32C.Compute(batch.AsSpan(16)), RecordBatch.ComputeCrc(batch));
        Assert.Equal(SampleBatch.Crc, RecordBatch.ComputeCrc(batch));
    }

    [Fact]
    public void Too_short_batch_never_matches_its_crc()
        => Assert.False(RecordBatch.CrcMatches(new byte[RecordBatchHeader.Size - 1]));

    [Theory]
    [InlineData(55, 115, 1000, false, 0)]   // not even a header
    [InlineData(115, 55, 1000, false, 0)]   // declared length below the header size
    [InlineData(115, 115, 114, false, 0)]   // declared length above the cap
    [InlineData(115, 115, 115, true, 115)]  // exactly the data
    [InlineData(60, 115, 1000, true, 115)]  // longer than the data: the caller waits for the rest
    [InlineData(200, 115, 1000, true, 115)] // another batch follows
    public void Read_length_checks_the_declared_length(int available, uint declared, int cap, bool ok, int length)
    {
        var data = new byte[Math.Max(available, 0)];
        if (available >= 12) BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(RecordBatchHeader.LengthPosition), declared);

        Assert.Equal(ok, RecordBatch.TryReadLength(data, cap, out int read));
        Assert.Equal(length, read);
    }

    [Fact]
    public void Concatenated_batches_are_walked_by_their_lengths()
    {
        var data = new RandomData(3);
        var log = new ArrayBufferWriter<byte>();
        var counts = new List<int>();
        long next = 0;
        for (int i = 0; i < 5; i++)
        {
            var records = data.Records(data.Int(1, 8), 1_700_000_000_000);
            var batch = RandomData.Encode(records);
            RecordBatch.SetBaseOffset(batch, next);
            log.Write(batch);
            counts.Add(records.Count);
            next += records.Count;
        }

        ReadOnlySpan<byte> rest = log.WrittenSpan;
        long expectedBase = 0;
        foreach (int count in counts)
        {
            Assert.True(RecordBatch.TryReadLength(rest, int.MaxValue, out int length));
            var header = RecordBatchHeader.Read(rest);
            Assert.Equal(expectedBase, header.BaseOffset);
            Assert.Equal(count, header.RecordCount);
            Assert.True(RecordBatch.CrcMatches(rest[..length]));
            expectedBase = header.LastOffset + 1;
            rest = rest[length..];
        }
        Assert.True(rest.IsEmpty);
        Assert.Equal(next, expectedBase);
    }

    [Fact]
    public void Header_round_trips_every_field_at_its_documented_offset()
    {
        var header = new RecordBatchHeader(-2, 0x0A0B0C0D, 0xDEADBEEF, 1, 0x0008, 3, 1_700_000_000_000, 1_700_000_000_999,
            long.MaxValue, int.MinValue, short.MaxValue);
        var bytes = new byte[RecordBatchHeader.Size];
        bytes.AsSpan().Fill(0xAA);

        header.Write(bytes);

        Assert.Equal(header, RecordBatchHeader.Read(bytes));
        Assert.Equal(-2, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(RecordBatchHeader.BaseOffsetPosition)));
        Assert.Equal(0x0A0B0C0Du, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(RecordBatchHeader.LengthPosition)));
        Assert.Equal(0xDEADBEEF, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(RecordBatchHeader.CrcPosition)));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(RecordBatchHeader.RecordCountPosition)));
        Assert.Equal(1_700_000_000_999, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(RecordBatchHeader.MaxTimestampPosition)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(54)));
        Assert.Equal(-2 + 3 - 1, header.LastOffset);
    }
}
