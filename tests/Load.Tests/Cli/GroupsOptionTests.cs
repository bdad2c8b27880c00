using FastBroker.Load.Cli;

namespace FastBroker.Load.Tests.Cli;

/// <summary>The groups scenario's options: --consumers (members at the start), --session-timeout, and what it refuses.</summary>
public sealed class GroupsOptionTests
{
    [Fact]
    public void Groups_start_with_three_members_and_a_three_second_session_timeout()
    {
        var outcome = LoadCli.Parse(["groups", "--partitions", "2"]);

        Assert.Empty(outcome.Errors);
        Assert.Equal(3, outcome.Settings!.Consumers);
        Assert.Equal(TimeSpan.FromSeconds(3), outcome.Settings.SessionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), outcome.Settings.Duration);
    }

    [Fact]
    public void Session_timeout_and_members_are_taken_from_the_command_line()
    {
        var outcome = LoadCli.Parse(["groups", "--consumers", "5", "--session-timeout", "2s", "--duration", "20s", "--rate", "2k"]);

        Assert.Empty(outcome.Errors);
        Assert.Equal(5, outcome.Settings!.Consumers);
        Assert.Equal(TimeSpan.FromSeconds(2), outcome.Settings.SessionTimeout);
        Assert.Equal(2_000, outcome.Settings.Rate);
    }

    [Theory]
    [InlineData(new[] { "--target", "redis" }, "--target: groups needs a broker that assigns partitions to group members")]
    [InlineData(new[] { "--target", "rabbitmq" }, "--target: groups needs a broker that assigns partitions to group members")]
    [InlineData(new[] { "--consumers", "1" }, "--consumers: groups needs at least 2 members")]
    [InlineData(new[] { "--duration", "27s" }, "--duration: groups needs at least 28 s")]
    [InlineData(new[] { "--session-timeout", "5s", "--duration", "40s" }, "--duration: groups needs at least 44 s")]
    [InlineData(new[] { "--session-timeout", "500ms" }, "--session-timeout: 500ms is out of range")]
    [InlineData(new[] { "--size", "15" }, "--size: groups carries a send time and a sequence number")]
    [InlineData(new[] { "--fastbroker-consumers", "queue" }, "--fastbroker-consumers: groups members are stream readers")]
    public void Groups_refuse_what_they_cannot_run(string[] extra, string error)
    {
        var outcome = LoadCli.Parse(["groups", .. extra]);

        Assert.Contains(outcome.Errors, e => e.StartsWith(error, StringComparison.Ordinal));
    }

    [Fact]
    public void Other_scenarios_have_no_session_timeout()
    {
        Assert.NotEmpty(LoadCli.Parse(["latency", "--session-timeout", "3s"]).Errors);
    }
}
