namespace FastBroker.Load.Scenarios;

/// <summary>Time bounds shared by the scenarios.</summary>
internal static class ScenarioTiming
{
    /// <summary>
    /// After the publishers stop, how long consumers get to receive what is still on its way. Bounded so a run
    /// always ends; generous because a backlog cut short would leave the slowest messages out of the latencies.
    /// </summary>
    public static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(30);

    /// <summary>An open-loop schedule starts this far ahead, so the publishers are already waiting when the first
    /// message is due rather than still starting (which would count as latency).</summary>
    public static readonly TimeSpan OpenLoopLead = TimeSpan.FromMilliseconds(20);

    /// <summary>An open-loop publisher may run this far past --duration to catch up before it stops sending.</summary>
    public static readonly TimeSpan OpenLoopOverrun = TimeSpan.FromSeconds(1);

    /// <summary>The timestamp <paramref name="span"/> after <paramref name="start"/> on <paramref name="time"/>.</summary>
    public static long After(TimeProvider time, long start, TimeSpan span)
        => start + (long)(span.TotalSeconds * time.TimestampFrequency);

    /// <summary>The scenario's end reason given how it went.</summary>
    public static string EndReason(ScenarioContext context, bool failed, bool complete)
    {
        if (context.Cancellation.IsCancellationRequested)
            return EndReasons.Interrupted;
        if (failed)
            return EndReasons.Error;
        return complete ? EndReasons.CountReached : EndReasons.DurationElapsed;
    }
}
