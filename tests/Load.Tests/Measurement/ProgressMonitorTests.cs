using FastBroker.Load.Measurement;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Load.Tests.Measurement;

public sealed class ProgressMonitorTests
{
    [Fact]
    public void A_sample_divides_by_the_real_interval_and_prints_one_line()
    {
        var time = new FakeTimeProvider();
        var metrics = new RunMetrics(time.TimestampFrequency);
        var publisher = metrics.AddPublisher();
        var consumer = metrics.AddConsumer();
        var latency = metrics.AddLatencyRecorder();
        var output = new StringWriter();
        var monitor = new ProgressMonitor(metrics, time, output, messageBytes: 100);
        publisher.Add(50); // before the phase: not part of its rates

        monitor.BeginPhaseWithoutTimer("e2e", keepSamples: true, consumeSide: true);
        publisher.Add(3_000);
        consumer.Add(2_000, time.GetTimestamp());
        for (int i = 0; i < 2_000; i++)
            latency.RecordTicks((long)(0.000_250 * time.TimestampFrequency)); // 250 µs
        time.Advance(TimeSpan.FromSeconds(2));
        var sample = monitor.Sample()!;

        Assert.Equal(2.0, sample.ElapsedSeconds, 6);
        Assert.Equal(1_500, sample.PublishedPerSecond, 6);
        Assert.Equal(1_000, sample.ConsumedPerSecond, 6);
        Assert.Equal(0.1, sample.MegabytesPerSecond, 6);
        Assert.Equal(250, sample.P50Microseconds!.Value, tolerance: 0.5);
        Assert.Same(sample, Assert.Single(monitor.Samples));
        string line = output.ToString();
        Assert.Contains("e2e", line);
        Assert.Matches(@"pub +1,500/s", line);
        Assert.Matches(@"con +1,000/s", line);
        Assert.Matches(@"p99 +250 µs", line);
    }

    [Fact]
    public async Task The_monitor_samples_every_second_of_its_clock_until_the_phase_ends()
    {
        var time = new FakeTimeProvider();
        var metrics = new RunMetrics(time.TimestampFrequency);
        var publisher = metrics.AddPublisher();
        var monitor = new ProgressMonitor(metrics, time, TextWriter.Null, messageBytes: 10);

        monitor.BeginPhase("publish", keepSamples: true, consumeSide: false);
        for (int second = 1; second <= 3; second++)
        {
            publisher.Add(1_000 * second);
            time.Advance(TimeSpan.FromSeconds(1));
            await WaitForSamplesAsync(monitor, second);
        }
        time.Advance(TimeSpan.FromMilliseconds(500));
        await monitor.EndPhaseAsync();

        Assert.Equal(4, monitor.Samples.Count);
        Assert.Equal([1_000.0, 2_000, 3_000, 0], monitor.Samples.Select(s => s.PublishedPerSecond));
        Assert.Equal(3.5, monitor.Samples[^1].ElapsedSeconds, 6);
    }

    [Fact]
    public async Task Fill_phases_print_but_keep_no_samples()
    {
        var time = new FakeTimeProvider();
        var metrics = new RunMetrics(time.TimestampFrequency);
        var output = new StringWriter();
        var monitor = new ProgressMonitor(metrics, time, output, messageBytes: 10);

        monitor.BeginPhase("fill", keepSamples: false, consumeSide: false);
        time.Advance(TimeSpan.FromSeconds(1));
        await monitor.EndPhaseAsync();

        Assert.Empty(monitor.Samples);
        Assert.StartsWith("fill", output.ToString());
    }

    private static async Task WaitForSamplesAsync(ProgressMonitor monitor, int count)
    {
        // The timer callback runs on the thread pool; give it a bounded moment to land.
        for (int i = 0; i < 500 && monitor.Samples.Count < count; i++)
            await Task.Delay(10);
        Assert.Equal(count, monitor.Samples.Count);
    }
}
