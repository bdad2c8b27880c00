using FastBroker.Server.Journal;
using FastBroker.Server.Positions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastBroker.Server.Tests.Positions;

public sealed class PositionStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"fb-positions-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private PositionStore Open() => PositionStore.Open(_dir, FsyncPolicy.Always, NullLogger.Instance);

    [Fact]
    public void Committed_positions_survive_reopen_and_the_latest_wins()
    {
        using (var store = Open())
        {
            store.Commit(new PositionKey("g", "orders", 0), 10);
            store.Commit(new PositionKey("g", "orders", 0), 25);
            store.Commit(new PositionKey("g", "orders", 1), 3);
            store.Commit(new PositionKey("other", "orders", 0), 7);
        }
        using var reopened = Open();
        Assert.True(reopened.TryGet(new PositionKey("g", "orders", 0), out long a));
        Assert.Equal(25, a);
        Assert.True(reopened.TryGet(new PositionKey("g", "orders", 1), out long b));
        Assert.Equal(3, b);
        Assert.True(reopened.TryGet(new PositionKey("other", "orders", 0), out long c));
        Assert.Equal(7, c);
        Assert.False(reopened.TryGet(new PositionKey("g", "missing", 0), out _));
    }

    [Fact]
    public void A_torn_last_record_is_dropped_and_earlier_ones_kept()
    {
        using (var store = Open())
        {
            store.Commit(new PositionKey("g", "t", 0), 5);
            store.Commit(new PositionKey("g", "t", 0), 6);
        }
        string path = Path.Combine(_dir, "positions.log");
        // Reopen compacted the file to one record per key; append a second and cut it in half.
        using (var store = Open()) store.Commit(new PositionKey("g", "t", 0), 99);
        long full = new FileInfo(path).Length;
        using (var file = new FileStream(path, FileMode.Open)) file.SetLength(full - 5);

        using var reopened = Open();
        Assert.True(reopened.TryGet(new PositionKey("g", "t", 0), out long offset));
        Assert.Equal(6, offset);
    }

    [Fact]
    public void A_flipped_bit_in_the_last_record_drops_only_that_record()
    {
        using (var store = Open())
        {
            store.Commit(new PositionKey("g", "t", 0), 1);
        }
        using (var store = Open()) store.Commit(new PositionKey("g", "t", 1), 2);
        string path = Path.Combine(_dir, "positions.log");
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        using var reopened = Open();
        Assert.True(reopened.TryGet(new PositionKey("g", "t", 0), out long first));
        Assert.Equal(1, first);
        Assert.False(reopened.TryGet(new PositionKey("g", "t", 1), out _));
    }

    [Fact]
    public void Removing_a_topic_forgets_its_positions_durably()
    {
        using (var store = Open())
        {
            store.Commit(new PositionKey("g", "gone", 0), 4);
            store.Commit(new PositionKey("g", "kept", 0), 8);
            store.RemoveTopic("gone");
            Assert.False(store.TryGet(new PositionKey("g", "gone", 0), out _));
        }
        using var reopened = Open();
        Assert.False(reopened.TryGet(new PositionKey("g", "gone", 0), out _));
        Assert.True(reopened.TryGet(new PositionKey("g", "kept", 0), out _));
    }
}
