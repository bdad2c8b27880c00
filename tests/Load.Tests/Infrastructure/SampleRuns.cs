using FastBroker.Load.Measurement;
using FastBroker.Load.Reports;

namespace FastBroker.Load.Tests.Infrastructure;

/// <summary>Run reports with known numbers, for the report writers.</summary>
internal static class SampleRuns
{
    public static RunReport Publish(string target = "fastbroker", int size = 100, double messagesPerSecond = 2_500_000, string name = "pub") => new()
    {
        Name = name,
        Scenario = "publish",
        ScenarioLabel = "publish",
        Target = target,
        ServerVersion = target == "fastbroker" ? "fastbroker/1.0" : "Redis 7.0.15",
        Durability = target == "fastbroker" ? "fsync always | group commit" : "appendfsync always",
        Fsync = target == "fastbroker" ? "always" : null,
        StartedAt = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero),
        Machine = new MachineInfo { ProcessorCount = 2, OperatingSystem = "Linux", Runtime = ".NET 10" },
        Parameters = new RunParameters
        {
            Topic = "load", Partitions = 4, MessageBytes = size, Count = 1_000_000, DurationSeconds = 30, Producers = 2, Window = 65_536,
            BatchBytes = 262_144, LingerMilliseconds = 1, IdleTimeoutSeconds = 10,
        },
        Result = new RunOutcome
        {
            Published = 1_000_000, ElapsedSeconds = 1_000_000 / messagesPerSecond, MessagesPerSecond = messagesPerSecond,
            MegabytesPerSecond = messagesPerSecond * size / 1e6, ThroughputSide = "publish", EndReason = "count reached",
        },
        Samples = [Sample(1, messagesPerSecond, 0), Sample(2, messagesPerSecond * 0.9, 0)],
    };

    public static RunReport Latency(string target = "fastbroker", double p99 = 812.4, string name = "lat") => new()
    {
        Name = name,
        Scenario = "latency",
        ScenarioLabel = "latency @ 10,000 msg/s",
        Target = target,
        ServerVersion = "fastbroker/1.0",
        Durability = "fsync always <b>bold</b>",
        Fsync = "always",
        StartedAt = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero),
        Parameters = new RunParameters { Topic = "load", Partitions = 4, MessageBytes = 100, Count = 50_000, DurationSeconds = 5, Producers = 2, Consumers = 2, Window = 1_000, RatePerSecond = 10_000 },
        Result = new RunOutcome
        {
            Published = 50_000, Consumed = 50_000, ElapsedSeconds = 5, MessagesPerSecond = 10_000, MegabytesPerSecond = 1,
            ThroughputSide = "consume", EndReason = "count reached",
        },
        Latency = new LatencyReport
        {
            Recording = LatencySummary.Recording, Method = "from the intended send time", Count = 50_000,
            P50 = 41.2, P90 = 412.3, P99 = p99, P999 = 1_250, P9999 = 2_500, Max = 3_000, Mean = 120,
            Curve = [Point(0, 10), Point(50, 41.2), Point(90, 412.3), Point(99, p99), Point(99.9, 1_250), Point(100, 3_000)],
        },
        Samples = [Sample(1, 10_000, 45), Sample(2, 10_000, 40)],
        Notes = ["a note worth reading"],
        Thresholds = [new ThresholdOutcome { Name = "max-p99", Limit = "1.00 ms", Measured = "812 µs", Passed = true }],
    };

    private static SecondSample Sample(double second, double rate, double p50) => new()
    {
        ElapsedSeconds = second, PublishedPerSecond = rate, ConsumedPerSecond = p50 > 0 ? rate : 0, MegabytesPerSecond = rate * 100 / 1e6,
        P50Microseconds = p50 > 0 ? p50 : null, P99Microseconds = p50 > 0 ? p50 * 10 : null,
    };

    private static PercentilePoint Point(double percentile, double microseconds) => new() { Percentile = percentile, Microseconds = microseconds };
}
