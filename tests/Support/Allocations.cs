namespace FastBroker.Testing;

/// <summary>Bytes allocated on the calling thread by an action: the least of several rounds, so one-off runtime work
/// (a tiered-up method, a lazily built cache) in one round cannot count as the action's own.</summary>
internal static class Allocations
{
    public static long LeastOf(Action action, int rounds = 5)
    {
        long least = long.MaxValue;
        for (int i = 0; i < rounds; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
