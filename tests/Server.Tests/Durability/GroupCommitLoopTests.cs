using FastBroker.Server.Durability;
using FastBroker.Server.Tests.Journal;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Tests.Durability;

public sealed class GroupCommitLoopTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly RecordingCommitter _committer = new();
    private readonly CapturingLogger _logger = new();

    private GroupCommitLoop<TestItem> Start(int maxCount = 1024, long maxWeight = long.MaxValue)
    {
        var loop = new GroupCommitLoop<TestItem>("test store", _committer, maxCount, maxWeight, _logger);
        loop.Start();
        return loop;
    }

    // Holds the loop inside a commit of item 0, so that everything enqueued meanwhile is drained together after.
    private async Task<TestItem> HoldFirstAsync(GroupCommitLoop<TestItem> loop)
    {
        _committer.HoldNext();
        var first = TestItem.Waiting(0);
        Assert.True(loop.TryEnqueue(first));
        await _committer.Held.WaitAsync(Patience);
        return first;
    }

    private static List<TestItem> EnqueueMany(GroupCommitLoop<TestItem> loop, int from, int count, long weight = 0)
    {
        var items = Enumerable.Range(from, count).Select(i => TestItem.Waiting(i, weight)).ToList();
        foreach (var item in items) Assert.True(loop.TryEnqueue(item));
        return items;
    }

    [Fact]
    public async Task Items_queued_while_a_commit_runs_go_in_the_next_group_in_queue_order_bounded_by_count()
    {
        await using var loop = Start(maxCount: 4);
        var first = await HoldFirstAsync(loop);
        var items = EnqueueMany(loop, 1, 10);
        _committer.Release();

        var results = await Task.WhenAll(items.Select(i => i.Done!.Task)).WaitAsync(Patience);
        Assert.Null(await first.Done!.Task);
        Assert.Equal([[0], [1, 2, 3, 4], [5, 6, 7, 8], [9, 10]], _committer.Groups);
        Assert.Equal(Enumerable.Range(0, 11), _committer.Completed);
        Assert.All(results, Assert.Null);
    }

    [Fact]
    public async Task A_group_closes_once_its_weight_reaches_the_bound()
    {
        await using var loop = Start(maxWeight: 10);
        await HoldFirstAsync(loop);
        var items = EnqueueMany(loop, 1, 7, weight: 4);
        _committer.Release();

        await Task.WhenAll(items.Select(i => i.Done!.Task)).WaitAsync(Patience);
        Assert.Equal([[0], [1, 2, 3], [4, 5, 6], [7]], _committer.Groups);
    }

    [Fact]
    public async Task Ticks_asked_for_together_run_once_after_the_group_drained_with_them()
    {
        await using var loop = Start();
        await HoldFirstAsync(loop);
        loop.RequestTick();
        var items = EnqueueMany(loop, 1, 2);
        loop.RequestTick();
        loop.RequestTick();
        _committer.Release();

        await Task.WhenAll(items.Select(i => i.Done!.Task)).WaitAsync(Patience);
        await loop.DisposeAsync();
        Assert.Equal([[0], [1, 2]], _committer.Groups);
        Assert.Equal(1, _committer.Ticks);
    }

    [Fact]
    public async Task The_group_array_starts_small_and_grows_only_while_drains_fill_it()
    {
        await using var loop = Start(maxCount: 1024);
        int idle = loop.GroupCapacity;
        Assert.True(idle <= 16, $"an idle loop reserves {idle} slots");

        await HoldFirstAsync(loop);
        var items = EnqueueMany(loop, 1, 100);
        _committer.Release();
        await Task.WhenAll(items.Select(i => i.Done!.Task)).WaitAsync(Patience);

        Assert.Equal([0], _committer.Groups[0]);
        Assert.Equal(Enumerable.Range(1, 100), _committer.Groups[1]);
        Assert.InRange(loop.GroupCapacity, 100, 1024);
    }

    [Fact]
    public async Task Disposing_commits_everything_already_queued_and_refuses_later_items()
    {
        var loop = Start();
        await HoldFirstAsync(loop);
        var items = EnqueueMany(loop, 1, 5);
        var disposing = loop.DisposeAsync().AsTask();
        Assert.False(loop.TryEnqueue(TestItem.Waiting(99)));
        _committer.Release();
        await disposing.WaitAsync(Patience);

        Assert.All(await Task.WhenAll(items.Select(i => i.Done!.Task)), Assert.Null);
        Assert.Equal(Enumerable.Range(0, 6), _committer.Completed);
    }

    [Fact]
    public async Task An_unexpected_throw_fails_its_group_and_every_later_item_marks_the_loop_failed_and_logs_once()
    {
        await using var loop = Start(maxCount: 8);
        _committer.ThrowOnGroup = index => index == 1 ? new InvalidOperationException("disk exploded") : null;
        var first = await HoldFirstAsync(loop);
        var group = EnqueueMany(loop, 1, 3);
        _committer.Release();

        Assert.Null(await first.Done!.Task.WaitAsync(Patience));
        foreach (var item in group)
        {
            string? failure = await item.Done!.Task.WaitAsync(Patience);
            Assert.NotNull(failure);
            Assert.Contains("test store stopped", failure);
            Assert.Contains("InvalidOperationException: disk exploded", failure);
        }
        Assert.Equal(await group[0].Done!.Task, loop.Failure);

        // Later items are failed at once, without another commit.
        var later = EnqueueMany(loop, 10, 2);
        loop.RequestTick();
        var again = EnqueueMany(loop, 20, 1);
        foreach (var item in later.Concat(again))
            Assert.Equal(loop.Failure, await item.Done!.Task.WaitAsync(Patience));
        Assert.Equal(2, _committer.Groups.Count);
        Assert.Equal(0, _committer.Ticks);

        var errors = _logger.Entries.Where(e => e.Level >= LogLevel.Error).ToList();
        var logged = Assert.Single(errors);
        Assert.Contains("test store stopped after an unexpected error", logged.Message);
    }

    [Fact]
    public async Task A_throw_before_the_commit_step_counts_as_a_failure_of_the_loop()
    {
        await using var loop = Start();
        loop.FaultInjection = () => throw new InvalidOperationException("injected");
        var item = TestItem.Waiting(1);
        Assert.True(loop.TryEnqueue(item));

        string? failure = await item.Done!.Task.WaitAsync(Patience);
        Assert.Contains("injected", failure);
        Assert.Empty(_committer.Groups);
    }

    [Fact]
    public async Task Items_the_commit_completed_before_it_threw_are_not_answered_twice()
    {
        var done = TestItem.Waiting(1);
        var skipped = new RecordingCommitterSkip(done);
        var local = new GroupCommitLoop<TestItem>("partial", skipped, 8, long.MaxValue, _logger);
        local.Start();
        var pending = TestItem.Waiting(2);
        Assert.True(local.TryEnqueue(done));
        Assert.True(local.TryEnqueue(pending));
        Assert.Contains("partial stopped", await pending.Done!.Task.WaitAsync(Patience));
        Assert.Null(await done.Done!.Task.WaitAsync(Patience));
        Assert.Equal(1, skipped.Failed);
        await local.DisposeAsync();
    }

    // Completes the first item of its group and clears it, then throws: only the second must be failed.
    private sealed class RecordingCommitterSkip(TestItem completeFirst) : IGroupCommitter<TestItem>
    {
        public int Failed;

        public ValueTask CommitGroupAsync(TestItem[] group, int count)
        {
            Assert.Equal(completeFirst, group[0]);
            group[0].Done!.TrySetResult(null);
            group[0] = default;
            throw new InvalidOperationException("half way");
        }

        public void Tick() { }

        public void Fail(in TestItem item, string failure)
        {
            if (item.Done is null) return;
            Failed++;
            item.Done.TrySetResult(failure);
        }

        public long WeightOf(in TestItem item) => 0;
    }
}
