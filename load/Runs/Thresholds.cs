using FastBroker.Load.Reports;

namespace FastBroker.Load.Runs;

/// <summary>Checks a run against the --max-p99 and --min-throughput limits it was given.</summary>
internal static class Thresholds
{
    /// <summary>One outcome per threshold given; empty when none was.</summary>
    public static List<ThresholdOutcome> Evaluate(RunSettings settings, double messagesPerSecond, LatencyReport? latency)
    {
        var outcomes = new List<ThresholdOutcome>();
        if (settings.MaxP99 is { } maxP99)
        {
            double limit = maxP99.TotalMicroseconds;
            outcomes.Add(new ThresholdOutcome
            {
                Name = "max-p99",
                Limit = NumberText.Latency(limit),
                Measured = latency is null ? "not measured" : NumberText.Latency(latency.P99),
                // A run that measured no latency cannot show it met a latency limit.
                Passed = latency is not null && latency.P99 <= limit,
            });
        }
        if (settings.MinThroughput is { } minThroughput)
        {
            outcomes.Add(new ThresholdOutcome
            {
                Name = "min-throughput",
                Limit = $"{NumberText.Count(minThroughput)} msg/s",
                Measured = $"{NumberText.Count(messagesPerSecond)} msg/s",
                Passed = messagesPerSecond >= minThroughput,
            });
        }
        return outcomes;
    }
}
