namespace FastBroker.Testing;

/// <summary>Measures what a piece of synchronous code allocates on the calling thread.</summary>
/// <remarks>
/// The runtime does one-off work on whatever thread happens to be running: JIT tiering installs call counters and
/// promotes methods after a delay, the thread pool grows its queues. Such a cost lands in one round at most, while
/// something allocated per call lands in every round, so the least of several rounds is what a test judges.
/// </remarks>
public static class Allocations
{
    public const int DefaultRounds = 5;

    /// <summary>Runs <paramref name="body"/> once to warm it up, then <paramref name="rounds"/> times, and returns the fewest bytes one round allocated.</summary>
    public static long LeastOf(Action body, int rounds = DefaultRounds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        body();
        long least = long.MaxValue;
        for (int round = 0; round < rounds && least > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            body();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
