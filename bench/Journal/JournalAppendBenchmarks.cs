using BenchmarkDotNet.Attributes;
using FastBroker.Server.Journal;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastBroker.Bench.Journal;

/// <summary>
/// One Append + Commit of a batch of 100-byte records to a journal in a temp directory, fsync=never, so the cost
/// is the journal's own work plus a page-cache write. Each iteration starts a fresh journal so the disk use stays
/// bounded (at most ~120 MB for the 1000-record case).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10, invocationCount: 1024)]
public class JournalAppendBenchmarks
{
    private byte[] _batch = [];
    private string _directory = "";
    private PartitionJournal? _journal;

    /// <summary>Records in each appended batch.</summary>
    [Params(1, 100, 1000)]
    public int RecordsPerBatch { get; set; }

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
        _journal = PartitionJournal.Open(_directory, new JournalOptions { Fsync = FsyncPolicy.Never }, NullLogger.Instance, TimeProvider.System);
    }

    [IterationCleanup]
    public void DeleteJournal()
    {
        _journal?.Dispose();
        _journal = null;
        Directory.Delete(_directory, recursive: true);
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
