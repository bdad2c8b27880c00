using FastBroker.Load.Scenarios;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Load.Tests.Infrastructure;

/// <summary>A pacer that, instead of waiting, moves a fake clock forward to the time asked for.</summary>
internal sealed class FakeClockPacer(FakeTimeProvider time) : IPacer
{
    public void WaitUntil(long timestamp, CancellationToken cancellationToken)
    {
        long now = time.GetTimestamp();
        if (now < timestamp)
            time.Advance(Ticks(timestamp - now, time));
    }

    /// <summary>A span of <paramref name="timestampTicks"/> on <paramref name="time"/>'s timestamp clock.</summary>
    public static TimeSpan Ticks(long timestampTicks, TimeProvider time)
        => TimeSpan.FromTicks(timestampTicks * TimeSpan.TicksPerSecond / time.TimestampFrequency);
}
