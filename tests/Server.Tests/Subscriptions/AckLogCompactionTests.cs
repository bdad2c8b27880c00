using FastBroker.Server.Journal;
using FastBroker.Server.Subscriptions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>Compaction of the ack log: snapshots larger than any buffer, and larger than the threshold.</summary>
public sealed class AckLogCompactionTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fb-ackcompact-{Guid.NewGuid():N}");

    public AckLogCompactionTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string LogPath => Path.Combine(_directory, "acks.log");

    /// <summary>Writes <see cref="Runs"/> done runs per snapshot (every other offset, as a filter taking half leaves
    /// them) and records what is replayed.</summary>
    private sealed class Owner(int runs) : IAckLogOwner
    {
        public int Runs => runs;
        public int Snapshots;
        public List<(long First, long Count)> Replayed { get; } = [];
        public int PartitionCount => 1;
        public void ReplayAck(int partition, long first, long count) => Replayed.Add((first, count));
        public void ReplayDeliveries(int partition, long offset, ushort deliveries) { }
        public void ReplayDeadLettered(int partition, long offset, ushort deliveries) { }
        public void ReplaySnapshot(int partition, long floor, long deadLettered) { }
        public void WriteSnapshot(int partition, AckSnapshotWriter writer)
        {
            Interlocked.Increment(ref Snapshots);
            writer.Snapshot(partition, 0, 0);
            for (int i = 0; i < runs; i++) writer.Ack(partition, 2L * i + 1, 1);
        }
        public void FloorsDurable(ReadOnlySpan<long> floors) { }
    }

    [Fact]
    public async Task A_snapshot_larger_than_the_write_buffer_is_written_whole_and_replays()
    {
        var writing = new Owner(runs: 20_000); // 500 KB of records
        var log = AckLog.Open(LogPath, FsyncPolicy.Never, 64L << 20, NullLogger.Instance, TimeProvider.System, writing);
        await log.DisposeAsync();
        Assert.Equal((1 + 20_000) * AckRecord.Size, new FileInfo(LogPath).Length);

        var reading = new Owner(runs: 0);
        var reopened = AckLog.Open(LogPath, FsyncPolicy.Never, 64L << 20, NullLogger.Instance, TimeProvider.System, reading);
        await reopened.DisposeAsync();
        Assert.Equal(20_000, reading.Replayed.Count);
        Assert.Equal((1L, 1L), reading.Replayed[0]);
        Assert.Equal((39_999L, 1L), reading.Replayed[^1]);
    }

    [Fact]
    public async Task A_snapshot_larger_than_the_threshold_is_not_rewritten_by_every_group()
    {
        // 100 runs: a 2.5 KB snapshot against a 1 KiB threshold.
        var owner = new Owner(runs: 100);
        var log = AckLog.Open(LogPath, FsyncPolicy.Never, 1024, NullLogger.Instance, TimeProvider.System, owner);
        try
        {
            Assert.Equal(1, owner.Snapshots);
            for (int i = 0; i < 20; i++)
            {
                var written = new SettleWaiter();
                Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Ack, 0, 1_000 + i, 1)));
                Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Marker, 0, 0, 0, written, (uint)i)));
                await written.Done.WaitAsync(TimeSpan.FromSeconds(10));
            }
            // 20 records of 25 B take the log from 2.5 KB to 3 KB: short of twice the snapshot, so no compaction.
            Assert.Equal(1, owner.Snapshots);

            for (int i = 0; i < 100; i++)
            {
                var written = new SettleWaiter();
                Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Ack, 0, 2_000 + i, 1)));
                Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Marker, 0, 0, 0, written, (uint)i)));
                await written.Done.WaitAsync(TimeSpan.FromSeconds(10));
            }
            // Past 5 KB it compacts, once.
            Assert.Equal(2, owner.Snapshots);
        }
        finally
        {
            await log.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(1024, 0, 1024)]
    [InlineData(1024, 300, 1024)]
    [InlineData(1024, 2500, 5000)]
    public void The_next_compaction_waits_for_the_threshold_or_twice_the_compacted_log(long threshold, long compacted, long expected)
        => Assert.Equal(expected, AckLog.NextCompactionAt(threshold, compacted));
}
