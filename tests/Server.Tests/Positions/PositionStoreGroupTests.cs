using FastBroker.Server.Journal;
using FastBroker.Server.Positions;
using FastBroker.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastBroker.Server.Tests.Positions;

public sealed class PositionStoreGroupTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"fb-positions-groups-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private PositionStore Open() => PositionStore.Open(_dir, FsyncPolicy.Always, NullLogger.Instance);

    private static async Task CommitAllAsync(PositionStore store, params (PositionKey, long)[] positions)
    {
        var waiter = new PositionWaiter();
        Assert.True(store.TryCommitAll(positions, waiter, 7));
        Assert.Null(await waiter.Done);
    }

    [Fact]
    public async Task Groups_are_listed_in_ordinal_order_with_their_topics_and_a_removed_topic_leaves_the_list()
    {
        await using var store = Open();
        Assert.Empty(store.ListGroups());
        Assert.Null(await PositionWaiter.CommitAsync(store, new PositionKey("b", "orders", 0), 1));
        Assert.Null(await PositionWaiter.CommitAsync(store, new PositionKey("b", "orders", 1), 2));
        Assert.Null(await PositionWaiter.CommitAsync(store, new PositionKey("b", "audit", 0), 3));
        Assert.Null(await PositionWaiter.CommitAsync(store, new PositionKey("a", "orders", 0), 4));

        var groups = store.ListGroups();
        Assert.Equal(["a", "b"], groups.Select(g => g.Group));
        Assert.Equal(["orders"], groups[0].Topics);
        Assert.Equal(["audit", "orders"], groups[1].Topics);
        Assert.Equal(["audit", "orders"], store.TopicsOf("b"));
        Assert.Empty(store.TopicsOf("nobody"));

        Assert.Null(await PositionRemoval.RemoveAsync(store, "orders"));
        groups = store.ListGroups();
        Assert.Equal(["b"], groups.Select(g => g.Group));
        Assert.Equal(["audit"], groups[0].Topics);
    }

    [Fact]
    public async Task A_batch_is_visible_once_answered_and_survives_a_reopen()
    {
        await using (var store = Open())
        {
            Assert.Null(await PositionWaiter.CommitAsync(store, new PositionKey("g", "t", 0), 50));
            await CommitAllAsync(store, (new PositionKey("g", "t", 0), 3), (new PositionKey("g", "t", 1), 0), (new PositionKey("g", "t", 2), 9));
            Assert.True(store.TryGet(new PositionKey("g", "t", 0), out long first));
            Assert.Equal(3, first);
        }
        await using var reopened = Open();
        Assert.True(reopened.TryGet(new PositionKey("g", "t", 0), out long a));
        Assert.True(reopened.TryGet(new PositionKey("g", "t", 1), out long b));
        Assert.True(reopened.TryGet(new PositionKey("g", "t", 2), out long c));
        Assert.Equal((3, 0, 9), (a, b, c));
    }
}
