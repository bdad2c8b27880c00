// TEMPORARY in-memory stand-in with the agreed API; replaced by the real journal on merge.
using Microsoft.Extensions.Logging;
using FastBroker.Wire.Records;
namespace FastBroker.Server.Journal;
public enum FsyncMode { Always, Interval, Never }
public readonly record struct FsyncPolicy(FsyncMode Mode, TimeSpan Interval)
{
    public static FsyncPolicy Always => new(FsyncMode.Always, TimeSpan.Zero);
    public static FsyncPolicy Never => new(FsyncMode.Never, TimeSpan.Zero);
    public static FsyncPolicy EveryInterval(TimeSpan t) => new(FsyncMode.Interval, t);
    public static bool TryParse(string? text, out FsyncPolicy policy)
    {
        policy = Always;
        if (text == "always") return true;
        if (text == "never") { policy = Never; return true; }
        if (text != null && text.StartsWith("interval:") && int.TryParse(text[9..], out int ms) && ms is >= 1 and <= 60000) { policy = EveryInterval(TimeSpan.FromMilliseconds(ms)); return true; }
        return false;
    }
    public override string ToString() => Mode switch { FsyncMode.Always => "always", FsyncMode.Never => "never", _ => $"interval:{(int)Interval.TotalMilliseconds}" };
}
public sealed class JournalOptions
{
    public long SegmentBytes { get; init; } = 128L * 1024 * 1024;
    public int IndexIntervalBytes { get; init; } = 4096;
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.Always;
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);
}
public readonly record struct JournalReadResult(int BytesWritten, int RequiredBytes, int BatchCount);
public sealed class JournalCorruptedException(string message) : Exception(message) { public string FilePath { get; } = ""; public long FilePosition { get; } public long Offset { get; } }
public sealed class JournalFailedException(string message) : Exception(message);
public sealed class PartitionJournal : IDisposable
{
    private readonly List<byte[]> _batches = new();
    private readonly List<long> _bases = new();
    private readonly List<Memory<byte>> _pending = new();
    private long _committed;
    public static PartitionJournal Open(string directory, JournalOptions options, ILogger logger, TimeProvider time) { System.IO.Directory.CreateDirectory(directory); return new PartitionJournal { Directory = directory }; }
    public string Directory { get; private init; } = "";
    public long StartOffset => 0;
    public long CommittedEndOffset => Volatile.Read(ref _committed);
    public long NextOffset { get; private set; }
    public int PendingBatches => _pending.Count;
    public long PendingBytes => 0;
    public bool HasUnsyncedData => false;
    public TimeSpan SyncDueIn => Timeout.InfiniteTimeSpan;
    public long Append(Memory<byte> batch) { long b = NextOffset; RecordBatch.SetBaseOffset(batch.Span, b); NextOffset += RecordBatch.ReadRecordCount(batch.Span); _pending.Add(batch); return b; }
    public void Commit() { lock (_batches) { foreach (var m in _pending) { _bases.Add(RecordBatch.ReadBaseOffset(m.Span)); _batches.Add(m.ToArray()); } } _pending.Clear(); Volatile.Write(ref _committed, NextOffset); }
    public void Sync() { }
    public JournalReadResult Read(long offset, Span<byte> destination)
    {
        lock (_batches)
        {
            int i = _bases.BinarySearch(offset); if (i < 0) i = ~i - 1; if (i < 0 || offset >= _committed) return default;
            int written = 0, count = 0;
            for (; i < _batches.Count; i++) { var b = _batches[i]; if (b.Length > destination.Length - written) { if (count == 0) return new(0, b.Length, 0); break; } b.CopyTo(destination[written..]); written += b.Length; count++; }
            return new(written, 0, count);
        }
    }
    public void Dispose() { }
}
