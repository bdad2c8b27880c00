using Microsoft.Extensions.Time.Testing;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>Bounded waits for conditions that other threads make true; they poll, they never stand in for a timeout under test.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    public static async Task True(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Still not true after {Limit}: {what}");
            await Task.Delay(5);
        }
    }

    /// <summary>Moves the fake clock forward in <paramref name="step"/>s until <paramref name="task"/> ends.</summary>
    public static async Task AdvanceUntilDone(FakeTimeProvider time, Task task, TimeSpan step)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!task.IsCompleted)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The task did not end within {Limit} of real time.");
            time.Advance(step);
            await Task.WhenAny(task, Task.Delay(5));
        }
        await task;
    }
}
