using FastBroker.Server.Sessions;

namespace FastBroker.Server.Tests.Sessions;

public sealed class OutboundBudgetTests
{
    [Fact]
    public async Task Under_the_limit_there_is_room_at_once()
    {
        var budget = new OutboundBudget(1000);
        budget.Add(1000);
        Assert.False(budget.IsOver);
        Assert.True(budget.WaitForRoomAsync(CancellationToken.None).IsCompletedSuccessfully);
        await budget.WaitForRoomAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Over_the_limit_waits_until_the_resume_mark_not_just_below_the_limit()
    {
        var budget = new OutboundBudget(1000);
        budget.Add(1500);
        Assert.True(budget.IsOver);
        var waiting = budget.WaitForRoomAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        budget.Release(600);
        Assert.False(budget.IsOver);
        Assert.False(waiting.IsCompleted, "900 bytes is under the limit but above the resume mark of 500");

        budget.Release(400);
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(500, budget.Bytes);
    }

    [Fact]
    public async Task A_closed_connection_stops_the_wait()
    {
        var budget = new OutboundBudget(10);
        budget.Add(100);
        using var closed = new CancellationTokenSource();
        var waiting = budget.WaitForRoomAsync(closed.Token).AsTask();
        closed.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
