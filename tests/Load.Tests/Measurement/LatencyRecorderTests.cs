using FastBroker.Load.Measurement;
using FastBroker.Load.Scenarios;

namespace FastBroker.Load.Tests.Measurement;

public sealed class LatencyRecorderTests
{
    // One tick per nanosecond, so recorded values are easy to state.
    private const long NanosecondTicks = 1_000_000_000;

    [Fact]
    public void Percentiles_come_out_in_microseconds_within_the_histogram_precision()
    {
        var metrics = new RunMetrics(NanosecondTicks);
        var recorder = metrics.AddLatencyRecorder();
        // 1 µs .. 10,000 µs, evenly: the p-th percentile is p% of 10 ms.
        for (long us = 1; us <= 10_000; us++)
            recorder.RecordTicks(us * 1_000);

        metrics.DrainLatency();
        var summary = LatencySummary.Create(metrics.Latency, "test")!;

        Assert.Equal(10_000, summary.Count);
        Assert.Equal("us", summary.Unit);
        Assert.Equal(5_000, summary.P50, 5_000 * 0.002);
        Assert.Equal(9_000, summary.P90, 9_000 * 0.002);
        Assert.Equal(9_900, summary.P99, 9_900 * 0.002);
        Assert.Equal(9_990, summary.P999, 9_990 * 0.002);
        Assert.Equal(9_999, summary.P9999, 9_999 * 0.002);
        Assert.Equal(10_000, summary.Max, 10_000 * 0.002);
        Assert.Equal(5_000.5, summary.Mean, 5_000 * 0.002);
        Assert.Contains("nanoseconds", summary.Recording);
    }

    [Fact]
    public void The_curve_rises_from_the_first_to_the_last_percentile()
    {
        var metrics = new RunMetrics(NanosecondTicks);
        var recorder = metrics.AddLatencyRecorder();
        for (long us = 1; us <= 1_000; us++)
            recorder.RecordTicks(us * 1_000);
        metrics.DrainLatency();

        var curve = LatencySummary.Create(metrics.Latency, "test")!.Curve;

        Assert.True(curve.Count > 10);
        Assert.Equal(0, curve[0].Percentile, 3);
        Assert.Equal(100, curve[^1].Percentile, 3);
        for (int i = 1; i < curve.Count; i++)
        {
            Assert.True(curve[i].Percentile >= curve[i - 1].Percentile);
            Assert.True(curve[i].Microseconds >= curve[i - 1].Microseconds);
        }
        Assert.Equal(1_000, curve[^1].Microseconds, 1_000 * 0.002);
    }

    [Fact]
    public void Consumers_recorders_merge_into_one_distribution_and_intervals_stay_apart()
    {
        var metrics = new RunMetrics(NanosecondTicks);
        var fast = metrics.AddLatencyRecorder();
        var slow = metrics.AddLatencyRecorder();
        for (int i = 0; i < 900; i++)
            fast.RecordTicks(100_000);   // 100 µs
        for (int i = 0; i < 100; i++)
            slow.RecordTicks(50_000_000); // 50 ms

        metrics.DrainLatency();
        Assert.Equal(1_000, metrics.IntervalLatency.TotalCount);
        var first = LatencySummary.Create(metrics.Latency, "test")!;
        Assert.Equal(100, first.P50, 0.2);
        Assert.Equal(50_000, first.P99, 50_000 * 0.002);

        fast.RecordTicks(200_000);
        metrics.DrainLatency();
        Assert.Equal(1, metrics.IntervalLatency.TotalCount);
        Assert.Equal(1_001, metrics.Latency.TotalCount);
    }

    [Fact]
    public void Ticks_convert_by_the_clock_frequency_and_wild_values_are_clamped()
    {
        var metrics = new RunMetrics(timestampFrequency: 10_000_000); // 100 ns per tick
        var recorder = metrics.AddLatencyRecorder();
        recorder.RecordTicks(10);          // 1 µs
        recorder.RecordTicks(-5);          // clock went backwards: counts as 0
        recorder.RecordTicks(long.MaxValue / 2);

        metrics.DrainLatency();

        Assert.Equal(3, metrics.Latency.TotalCount);
        Assert.Equal(0, metrics.Latency.GetValueAtPercentile(0));
        Assert.InRange(metrics.Latency.GetValueAtPercentile(50), 999, 1_001);
        Assert.True(metrics.Latency.GetValueAtPercentile(100) >= LatencyHistograms.HighestTrackableNanoseconds * 0.999);
    }

    [Fact]
    public void An_empty_histogram_has_no_summary()
    {
        var metrics = new RunMetrics(NanosecondTicks);
        metrics.DrainLatency();

        Assert.Null(LatencySummary.Create(metrics.Latency, "test"));
        Assert.Null(LatencySummary.Percentile(metrics.Latency, 99));
    }

    [Fact]
    public void Recording_allocates_nothing()
    {
        var metrics = new RunMetrics(NanosecondTicks);
        var recorder = metrics.AddLatencyRecorder();
        long allocated = Allocations.LeastOf(() => RecordMany(recorder, 200_000));

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void The_consumer_handler_allocates_nothing_per_message()
    {
        var metrics = new RunMetrics(TimeProvider.System.TimestampFrequency);
        var probe = new ConsumerProbe(metrics.AddConsumer(), metrics.AddLatencyRecorder(), TimeProvider.System);
        var payload = new byte[100];
        PayloadStamp.Write(payload, TimeProvider.System.GetTimestamp());
        long allocated = Allocations.LeastOf(() => HandleMany(probe, payload, 200_000), rounds: 3);

        Assert.Equal(0, allocated);
        // The warm-up and each round: a round that allocated nothing ends the measuring early.
        Assert.InRange(probe.Stats.Count, 400_000, 800_000);
        Assert.Equal(0, probe.Stats.Count % 200_000);
    }

    private static void HandleMany(ConsumerProbe probe, byte[] payload, int count)
    {
        for (int i = 0; i < count; i++)
            probe.Handler(payload);
    }

    private static void RecordMany(LatencyRecorder recorder, int count)
    {
        for (int i = 0; i < count; i++)
            recorder.RecordTicks(i * 997L);
    }
}
