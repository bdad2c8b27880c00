using System.Buffers.Binary;
using FastBroker.Wire.Records;

namespace FastBroker.Server.Tests.Journal;

/// <summary>Record batches for journal tests, built with the real encoder.</summary>
internal static class TestBatches
{
    /// <summary>A batch of <paramref name="records"/> records whose values are <paramref name="valueBytes"/> bytes of <paramref name="fill"/>.</summary>
    public static byte[] Make(int records, int valueBytes = 100, byte fill = 0x5A)
    {
        using var builder = new RecordBatchBuilder();
        var value = new byte[valueBytes];
        Array.Fill(value, fill);
        for (int i = 0; i < records; i++)
            builder.Append(1_700_000_000_000 + i, hasKey: false, default, default, value);
        return builder.Seal().ToArray();
    }

    /// <summary>Splits concatenated batches (a read result) into (base offset, record count, bytes).</summary>
    public static List<(long BaseOffset, int Records, byte[] Bytes)> Split(ReadOnlySpan<byte> data)
    {
        var batches = new List<(long, int, byte[])>();
        while (!data.IsEmpty)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[RecordBatchHeader.LengthPosition..]);
            var batch = data[..length];
            Assert.True(RecordBatch.CrcMatches(batch));
            batches.Add((RecordBatch.ReadBaseOffset(batch), RecordBatch.ReadRecordCount(batch), batch.ToArray()));
            data = data[length..];
        }
        return batches;
    }

    /// <summary>Reads every committed batch from <paramref name="from"/> to the committed end.</summary>
    public static List<(long BaseOffset, int Records, byte[] Bytes)> ReadAll(FastBroker.Server.Journal.PartitionJournal journal, long from, int bufferBytes = 64 * 1024)
    {
        var all = new List<(long, int, byte[])>();
        var buffer = new byte[bufferBytes];
        long offset = from;
        while (offset < journal.CommittedEndOffset)
        {
            var result = journal.Read(offset, buffer);
            Assert.True(result.BytesWritten > 0, $"read at {offset} returned nothing (required {result.RequiredBytes})");
            var batches = Split(buffer.AsSpan(0, result.BytesWritten));
            Assert.Equal(result.BatchCount, batches.Count);
            all.AddRange(batches);
            var last = batches[^1];
            offset = last.BaseOffset + last.Records;
        }
        return all;
    }

    /// <summary>True when two batches are equal apart from the base offset the journal assigned.</summary>
    public static bool SameContent(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        => a.Length == b.Length && a[8..].SequenceEqual(b[8..]);
}
