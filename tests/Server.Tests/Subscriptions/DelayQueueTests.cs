using FastBroker.Server.Subscriptions;

namespace FastBroker.Server.Tests.Subscriptions;

/// <summary>The bounded min-heap of delayed messages: due order, the cap keeping the earliest, no allocation once warm.</summary>
public class DelayQueueTests
{
    private static List<(long Due, long Offset)> Drain(DelayQueue queue, long now = long.MaxValue)
    {
        var taken = new List<(long, long)>();
        while (queue.TryTakeDue(now, out long due, out long offset)) taken.Add((due, offset));
        return taken;
    }

    [Fact]
    public void Entries_leave_in_due_order_and_ties_in_offset_order()
    {
        var queue = new DelayQueue(100);
        var random = new Random(7);
        var added = new List<(long, long)>();
        for (long offset = 0; offset < 100; offset++)
        {
            long due = random.Next(0, 20);
            Assert.True(queue.TryAdd(due, offset));
            added.Add((due, offset));
        }
        Assert.Equal(added.Order().ToList(), Drain(queue));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Only_entries_due_by_now_are_taken()
    {
        var queue = new DelayQueue(10);
        queue.TryAdd(50, 1);
        queue.TryAdd(10, 2);
        queue.TryAdd(30, 3);
        Assert.Equal([(10L, 2L), (30L, 3L)], Drain(queue, now: 30));
        Assert.Equal(50, queue.EarliestDueMs);
        Assert.Equal([(50L, 1L)], Drain(queue, now: 50));
        Assert.Equal(long.MaxValue, queue.EarliestDueMs);
    }

    [Fact]
    public void A_full_queue_keeps_the_earliest_and_names_what_left()
    {
        var queue = new DelayQueue(3);
        Assert.True(queue.TryAddKeepingEarliest(100, 1, out _, out _));
        Assert.True(queue.TryAddKeepingEarliest(300, 2, out _, out _));
        Assert.True(queue.TryAddKeepingEarliest(200, 3, out _, out _));
        Assert.True(queue.IsFull);

        // Later than everything held: the new one is left out.
        Assert.False(queue.TryAddKeepingEarliest(400, 4, out long evicted, out long evictedDue));
        Assert.Equal((4L, 400L), (evicted, evictedDue));
        // Earlier than the latest: the latest leaves.
        Assert.False(queue.TryAddKeepingEarliest(150, 5, out evicted, out evictedDue));
        Assert.Equal((2L, 300L), (evicted, evictedDue));

        Assert.Equal([(100L, 1L), (150L, 5L), (200L, 3L)], Drain(queue));
    }

    [Fact]
    public void The_cap_keeps_the_earliest_of_many_whatever_the_arrival_order()
    {
        var queue = new DelayQueue(50);
        var random = new Random(11);
        var all = Enumerable.Range(0, 1000).Select(i => ((long)random.Next(0, 1_000_000), (long)i)).ToList();
        foreach (var (due, offset) in all) queue.TryAddKeepingEarliest(due, offset, out _, out _);
        Assert.Equal(all.Order().Take(50).ToList(), Drain(queue));
    }

    [Fact]
    public void Entries_below_a_start_offset_are_removed_and_the_rest_keep_their_order()
    {
        var queue = new DelayQueue(10);
        for (long offset = 0; offset < 10; offset++) queue.TryAdd(100 - offset, offset);
        Assert.Equal(4, queue.RemoveBelow(4));
        Assert.Equal(Enumerable.Range(4, 6).Select(o => (100L - o, (long)o)).OrderBy(e => e.Item1).ToList(), Drain(queue));
    }

    [Fact]
    public void No_allocation_once_warm()
    {
        var queue = new DelayQueue(1024);
        for (long offset = 0; offset < 2048; offset++) queue.TryAddKeepingEarliest(offset % 97, offset, out _, out _);
        Drain(queue);
        long allocated = Allocations.LeastOf(() =>
        {
            for (long offset = 0; offset < 2048; offset++) queue.TryAddKeepingEarliest((offset * 31) % 1000, offset, out _, out _);
            while (queue.TryTakeDue(long.MaxValue, out _, out _)) { }
        });
        Assert.Equal(0, allocated);
    }
}
