using FastBroker.Server.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Journal;

/// <summary>Shortcuts for opening journals and damaging their files.</summary>
internal static class Journals
{
    public const int SegmentHeaderBytes = 64;

    public static PartitionJournal Open(string directory, JournalOptions? options = null, TimeProvider? time = null, ILogger? logger = null)
        => PartitionJournal.Open(directory, options ?? new JournalOptions(), logger ?? NullLogger.Instance, time ?? new FakeTimeProvider());

    public static long AppendAndCommit(PartitionJournal journal, byte[] batch)
    {
        long baseOffset = journal.Append(batch);
        journal.Commit();
        return baseOffset;
    }

    /// <summary>Reads every committed batch from <paramref name="from"/> to the committed end.</summary>
    public static List<(long BaseOffset, int Records, byte[] Bytes)> ReadAll(PartitionJournal journal, long from, int bufferBytes = 64 * 1024)
    {
        var all = new List<(long, int, byte[])>();
        var buffer = new byte[bufferBytes];
        long offset = from;
        while (offset < journal.CommittedEndOffset)
        {
            var result = journal.Read(offset, buffer);
            Assert.True(result.BytesWritten > 0, $"read at {offset} returned nothing (required {result.RequiredBytes})");
            var batches = TestBatches.Split(buffer.AsSpan(0, result.BytesWritten));
            Assert.Equal(result.BatchCount, batches.Count);
            all.AddRange(batches);
            var last = batches[^1];
            offset = last.BaseOffset + last.Records;
        }
        return all;
    }

    public static string SegmentPath(string directory, long baseOffset) => Path.Combine(directory, $"{baseOffset:D20}.log");

    public static string IndexPath(string directory, long baseOffset) => Path.Combine(directory, $"{baseOffset:D20}.idx");

    public static void FlipBit(string path, long position, int bit = 0)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = position;
        int value = stream.ReadByte();
        stream.Position = position;
        stream.WriteByte((byte)(value ^ (1 << bit)));
    }

    public static string[] SegmentFiles(string directory)
    {
        var files = Directory.GetFiles(directory, "*.log").Select(Path.GetFileName).Select(f => f!).ToArray();
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }
}
