using BenchmarkDotNet.Attributes;
using FastBroker.Server.Journal;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastBroker.Bench.Journal;

/// <summary>
/// One Append + Commit of a batch of 100-byte records, fsync=never, to a journal in a temp directory ("file": the
/// journal's work plus a page-cache write) or in memory ("memory": the journal's work alone). Each iteration starts
/// a fresh journal so the space used stays bounded (at most ~120 MB for the 1000-record case).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10, invocationCount: 1024)]
public class JournalAppendBenchmarks
{
    private const long SegmentBytes = 160L * 1024 * 1024;
    private byte[] _batch = [];
    private string _directory = "";
    private PartitionJournal? _journal;

    /// <summary>Records in each appended batch.</summary>
    [Params(1, 100, 1000)]
    public int RecordsPerBatch { get; set; }

    /// <summary>Where the journal's files live.</summary>
    [Params("file", "memory")]
    public string Storage { get; set; } = "file";

    [GlobalSetup]
    public void BuildBatch()
    {
        using var builder = new RecordBatchBuilder(RecordsPerBatch * 128);
        var value = new byte[100];
        for (int i = 0; i < RecordsPerBatch; i++) builder.Append(1_700_000_000_000 + i, hasKey: false, default, default, value);
        _batch = builder.Seal().ToArray();
    }

    [IterationSetup]
    public void OpenJournal()
    {
        _directory = Path.Combine(Path.GetTempPath(), "fastbroker-bench-" + Guid.NewGuid().ToString("N"));
        var options = Storage == "memory"
            ? new JournalOptions { Fsync = FsyncPolicy.Never, SegmentBytes = SegmentBytes, FileFactory = new MemorySegmentFileFactory(SegmentBytes + (1 << 20)) }
            : new JournalOptions { Fsync = FsyncPolicy.Never };
        _journal = PartitionJournal.Open(_directory, options, NullLogger.Instance, TimeProvider.System);
    }

    [IterationCleanup]
    public void DeleteJournal()
    {
        _journal?.Dispose();
        _journal = null;
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public long AppendAndCommit()
    {
        var journal = _journal!;
        long baseOffset = journal.Append(_batch);
        journal.Commit();
        return baseOffset;
    }
}
