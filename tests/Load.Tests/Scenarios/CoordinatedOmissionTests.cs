using FastBroker.Load.Measurement;
using FastBroker.Load.Scenarios;
using FastBroker.Load.Targets;
using FastBroker.Load.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Load.Tests.Scenarios;

/// <summary>
/// Latency must be measured from when a message was meant to go, so a stall anywhere (publisher or consumer)
/// shows up in the percentiles instead of silently thinning the load.
/// </summary>
public sealed class CoordinatedOmissionTests
{
    private static readonly DateTimeOffset Origin = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_stalled_consumer_shows_as_high_latency()
    {
        var time = new FakeTimeProvider(Origin);
        var metrics = new RunMetrics(time.TimestampFrequency);
        var probe = new ConsumerProbe(metrics.AddConsumer(), metrics.AddLatencyRecorder(), time);
        var schedule = new OpenLoopSchedule(time.GetTimestamp(), ratePerSecond: 10_000, time.TimestampFrequency);
        var payload = new byte[100];

        // 900 messages arrive 50 µs after they were due; then the consumer stalls for 200 ms and gets the last 100 at once.
        for (int i = 0; i < 1_000; i++)
        {
            long due = schedule.IntendedTimestamp(i);
            long arrival = i < 900 ? due + Ticks(time, TimeSpan.FromMicroseconds(50)) : schedule.IntendedTimestamp(899) + Ticks(time, TimeSpan.FromMilliseconds(200));
            AdvanceTo(time, arrival);
            PayloadStamp.Write(payload, due);
            Assert.True(probe.Handler(payload));
        }
        metrics.DrainLatency();
        var latency = LatencySummary.Create(metrics.Latency, "test")!;

        Assert.Equal(1_000, probe.Stats.Count);
        Assert.Equal(50, latency.P50, 0.1);
        Assert.True(latency.P99 > 190_000, $"p99 {latency.P99} µs should show the 200 ms stall");
        Assert.Equal(200_000, latency.Max, 200_000 * 0.002);
    }

    [Fact]
    public void A_sender_that_falls_behind_sends_at_once_with_the_intended_time_and_skips_nothing()
    {
        var time = new FakeTimeProvider(Origin);
        long start = time.GetTimestamp();
        long millisecond = Ticks(time, TimeSpan.FromMilliseconds(1));
        var publishers = new[] { new RecordingPublisher(time), new RecordingPublisher(time) };
        // The 11th message's publish call blocks for 50 ms (a full window, a pause): the sender falls behind.
        publishers[10 % 2].StallOnCall(10 / 2, TimeSpan.FromMilliseconds(50));
        var stats = new[] { new WorkerStats(), new WorkerStats() };
        var sender = new OpenLoopSender(publishers, [new byte[16], new byte[16]], stats, window: 1_000, new FakeClockPacer(time), time);
        var schedule = new OpenLoopSchedule(start, ratePerSecond: 1_000, time.TimestampFrequency);

        var outcome = sender.Send(schedule, count: 100, CancellationToken.None, CancellationToken.None);

        Assert.Equal(100, outcome.Sent);
        var sent = publishers.SelectMany(p => p.Sent).OrderBy(m => m.Stamp).ToList();
        Assert.Equal(100, sent.Count);
        for (int i = 0; i < 100; i++)
        {
            // Every message, late or not, carries its intended time: start + i ms. None is skipped.
            Assert.Equal(start + i * millisecond, sent[i].Stamp);
            long expectedSend = i is > 10 and < 60 ? start + 60 * millisecond : start + i * millisecond;
            Assert.Equal(expectedSend, sent[i].SentAt);
        }
        Assert.Equal(49 * millisecond, outcome.MaxLagTicks);

        // The consumer sees each message 100 µs after it went out; the sender's lag is in the latencies.
        var consumerTime = new FakeTimeProvider(Origin);
        var metrics = new RunMetrics(consumerTime.TimestampFrequency);
        var probe = new ConsumerProbe(metrics.AddConsumer(), metrics.AddLatencyRecorder(), consumerTime);
        var payload = new byte[16];
        foreach (var message in sent.OrderBy(m => m.SentAt))
        {
            AdvanceTo(consumerTime, message.SentAt + Ticks(consumerTime, TimeSpan.FromMicroseconds(100)));
            PayloadStamp.Write(payload, message.Stamp);
            probe.Handler(payload);
        }
        metrics.DrainLatency();
        var latency = LatencySummary.Create(metrics.Latency, "test")!;
        Assert.Equal(49_100, latency.Max, 49_100 * 0.002);
        Assert.True(latency.P90 > 10_000, $"p90 {latency.P90} µs should show the lag of the 49 late messages");
    }

    private static long Ticks(TimeProvider time, TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private static void AdvanceTo(FakeTimeProvider time, long timestamp)
    {
        long now = time.GetTimestamp();
        if (timestamp > now)
            time.Advance(FakeClockPacer.Ticks(timestamp - now, time));
    }

    /// <summary>Notes each message's stamp and when it was published; acknowledges at once; can stall one call.</summary>
    private sealed class RecordingPublisher(FakeTimeProvider time) : IPublisher
    {
        private int _calls;
        private int _stallCall = -1;
        private TimeSpan _stall;

        public List<(long Stamp, long SentAt)> Sent { get; } = [];

        public void StallOnCall(int call, TimeSpan stall) => (_stallCall, _stall) = (call, stall);

        public ValueTask PublishAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            PayloadStamp.TryRead(payload.Span, out long stamp);
            Sent.Add((stamp, time.GetTimestamp()));
            if (_calls++ == _stallCall)
                time.Advance(_stall);
            return ValueTask.CompletedTask;
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
