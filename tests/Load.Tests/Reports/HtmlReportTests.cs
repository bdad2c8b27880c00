using System.Text.RegularExpressions;
using FastBroker.Load.Reports;
using FastBroker.Load.Tests.Infrastructure;

namespace FastBroker.Load.Tests.Reports;

public sealed class HtmlReportTests
{
    [Fact]
    public void A_latency_run_has_throughput_percentile_and_latency_charts_inline()
    {
        string html = HtmlReport.Render(SampleRuns.Latency());

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Equal(3, Regex.Matches(html, "<svg ").Count);
        Assert.Equal(3, Regex.Matches(html, "</svg>").Count);
        Assert.Contains("Latency by percentile", html);
        Assert.Contains(">99.9%<", html);
        Assert.Contains("<polyline", html);
    }

    [Fact]
    public void A_publish_run_has_only_the_throughput_chart()
    {
        string html = HtmlReport.Render(SampleRuns.Publish());

        Assert.Single(Regex.Matches(html, "<svg "));
        Assert.Contains("published msg/s", html);
    }

    [Fact]
    public void The_page_is_self_contained()
    {
        foreach (string html in new[] { HtmlReport.Render(SampleRuns.Latency()), HtmlReport.Render(SampleRuns.Publish()) })
        {
            Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Text_from_targets_is_escaped()
    {
        string html = HtmlReport.Render(SampleRuns.Latency());

        Assert.DoesNotContain("<b>bold</b>", html);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", html);
    }

    [Fact]
    public void A_failed_run_is_flagged()
    {
        var run = SampleRuns.Publish();
        run = new RunReport { Name = run.Name, Scenario = run.Scenario, ScenarioLabel = run.ScenarioLabel, Target = run.Target, Error = "idle timeout" };

        Assert.Contains("<p class=\"error\">The run failed: idle timeout</p>", HtmlReport.Render(run));
    }
}
