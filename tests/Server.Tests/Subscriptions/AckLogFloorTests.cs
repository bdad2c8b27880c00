using FastBroker.Server.Journal;
using FastBroker.Server.Subscriptions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>The ack log tells its owner a floor is durable only once the records that moved it are written.</summary>
public sealed class AckLogFloorTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fb-acklog-{Guid.NewGuid():N}");

    public AckLogFloorTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class Owner : IAckLogOwner
    {
        public List<long[]> Durable { get; } = [];
        public int PartitionCount => 2;
        public void ReplayAck(int partition, long first, long count) { }
        public void ReplayDeliveries(int partition, long offset, ushort deliveries) { }
        public void ReplayDeadLettered(int partition, long offset, ushort deliveries) { }
        public void ReplaySnapshot(int partition, long floor, long deadLettered) { }
        public void WriteSnapshot(int partition, AckSnapshotWriter writer) => writer.Snapshot(partition, 0, 0);
        public void FloorsDurable(ReadOnlySpan<long> floors)
        {
            lock (Durable) Durable.Add(floors.ToArray());
        }
    }

    [Theory]
    [InlineData("always")]
    [InlineData("never")]
    public async Task A_floor_is_reported_with_the_group_that_carries_it_and_never_before(string fsync)
    {
        Assert.True(FsyncPolicy.TryParse(fsync, out var policy));
        var owner = new Owner();
        var log = AckLog.Open(Path.Combine(_directory, "acks.log"), policy, 1 << 20, NullLogger.Instance, TimeProvider.System, owner);
        try
        {
            var first = new SettleWaiter();
            Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Ack, 1, 0, 10)));
            Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Floor, 1, 10, 0)));
            Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Marker, 0, 10, 0, first, 7)));
            Assert.Equal(10u, await first.Done.WaitAsync(TimeSpan.FromSeconds(10)));
            long[] last;
            lock (owner.Durable) last = owner.Durable[^1];
            Assert.Equal([0L, 10L], last);

            // A group without a floor entry never lowers or invents one.
            var second = new SettleWaiter();
            Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Ack, 0, 0, 3)));
            Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Marker, 0, 3, 0, second, 8)));
            await second.Done.WaitAsync(TimeSpan.FromSeconds(10));
            lock (owner.Durable) last = owner.Durable[^1];
            Assert.Equal([0L, 10L], last);
        }
        finally
        {
            await log.DisposeAsync();
        }

        // Floor entries are bookkeeping, not records: only the two acks are on disk, after the opening snapshot.
        Assert.Equal((2 + 2) * AckRecord.Size, new FileInfo(Path.Combine(_directory, "acks.log")).Length);
    }

    [Fact]
    public async Task Under_an_interval_policy_a_floor_waiting_for_its_sync_is_reported_once_the_interval_passes()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var owner = new Owner();
        var log = AckLog.Open(Path.Combine(_directory, "acks.log"), FsyncPolicy.EveryInterval(TimeSpan.FromMilliseconds(100)), 1 << 20,
            NullLogger.Instance, time, owner);
        try
        {
            // The first write after the open is overdue for a sync, so it is synced and its floor reported at once.
            var first = new SettleWaiter();
            Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Ack, 1, 0, 10)));
            Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Floor, 1, 10, 0)));
            Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Marker, 0, 10, 0, first, 7)));
            await first.Done.WaitAsync(TimeSpan.FromSeconds(10));

            // The next one is not due yet: answered, but its floor waits for the sync the timer brings. The interval
            // passes the moment the answer is given, so the timer must already be running by then.
            long[]? reportedBeforeInterval = null;
            var second = new SettleWaiter
            {
                OnSettled = () =>
                {
                    lock (owner.Durable) reportedBeforeInterval = owner.Durable[^1];
                    time.Advance(TimeSpan.FromMilliseconds(100));
                },
            };
            Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Ack, 1, 10, 5)));
            Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Floor, 1, 15, 0)));
            Assert.True(log.TryAppend(new AckLogEntry(AckRecordKind.Marker, 0, 5, 0, second, 8)));
            await second.Done.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal([0L, 10L], reportedBeforeInterval!);

            await QueueBroker.EventuallyAsync(() => { lock (owner.Durable) return owner.Durable[^1][1] == 15; }, "the interval sync");
        }
        finally
        {
            await log.DisposeAsync();
        }
    }
}
