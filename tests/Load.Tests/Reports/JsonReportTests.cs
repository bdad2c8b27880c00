using FastBroker.Load.Reports;
using FastBroker.Load.Tests.Infrastructure;

namespace FastBroker.Load.Tests.Reports;

public sealed class JsonReportTests
{
    [Fact]
    public void A_report_survives_a_round_trip_through_json()
    {
        var original = SampleRuns.Latency();

        var copy = ReportFiles.FromJson(ReportFiles.ToJson(original))!;

        Assert.Equal(original.Name, copy.Name);
        Assert.Equal(original.ScenarioLabel, copy.ScenarioLabel);
        Assert.Equal(original.Durability, copy.Durability);
        Assert.Equal(original.StartedAt, copy.StartedAt);
        Assert.Equal(original.Parameters.RatePerSecond, copy.Parameters.RatePerSecond);
        Assert.Equal(original.Result.MessagesPerSecond, copy.Result.MessagesPerSecond);
        Assert.Equal(original.Result.ThroughputSide, copy.Result.ThroughputSide);
        Assert.Equal(original.Latency!.P99, copy.Latency!.P99);
        Assert.Equal(original.Latency.Curve.Select(p => (p.Percentile, p.Microseconds)), copy.Latency.Curve.Select(p => (p.Percentile, p.Microseconds)));
        Assert.Equal(original.Samples.Select(s => s.P50Microseconds), copy.Samples.Select(s => s.P50Microseconds));
        Assert.Equal(original.Notes, copy.Notes);
        Assert.True(Assert.Single(copy.Thresholds).Passed);
        Assert.Null(copy.Error);
    }

    [Fact]
    public void The_json_uses_camel_case_and_leaves_out_what_was_not_measured()
    {
        string json = ReportFiles.ToJson(SampleRuns.Publish(target: "redis"));

        Assert.Contains("\"messagesPerSecond\": 2500000", json);
        Assert.Contains("\"format\": 1", json);
        Assert.DoesNotContain("\"latency\"", json);
        Assert.DoesNotContain("\"fsync\"", json);
        Assert.DoesNotContain("\"error\"", json);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("[1, 2]")]
    [InlineData("{\"scenario\": \"publish\"}")]
    public void Other_json_is_not_a_run_report(string json)
    {
        Assert.Null(ReportFiles.FromJson(json));
    }
}
