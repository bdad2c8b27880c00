using FastBroker.Load.Cli;
using FastBroker.Load.Runs;
using FastBroker.Load.Targets;

namespace FastBroker.Load.Tests.Cli;

/// <summary>--routes (routed runs) and --rss-pid (the broker's memory in the report) on the command line.</summary>
public sealed class RoutesOptionTests
{
    [Fact]
    public void Routes_are_off_by_default()
    {
        var s = LoadCli.Parse(["consume"]).Settings!;

        Assert.Equal(0, s.Routes);
        Assert.Equal(FastBrokerConsumerMode.Stream, s.FastBrokerConsumers);
        Assert.Null(s.RssPid);
    }

    [Theory]
    [InlineData("consume")]
    [InlineData("e2e")]
    [InlineData("latency")]
    public void Routes_make_FastBroker_consumers_pulling_queue_consumers(string scenario)
    {
        var outcome = LoadCli.Parse([scenario, "--routes", "10", "--consumers", "5", "--partitions", "4"]);

        Assert.Empty(outcome.Errors);
        var s = outcome.Settings!;
        Assert.Equal(10, s.Routes);
        Assert.Equal(FastBrokerConsumerMode.Queue, s.FastBrokerConsumers);
        Assert.Equal(QueueReceiveMode.Pull, s.QueueReceive);
        // Queue consumers compete on every route, so they may outnumber the partitions.
        Assert.Equal(5, s.Consumers);
    }

    [Fact]
    public void Routes_to_RabbitMQ_and_an_explicit_queue_mode_are_accepted()
    {
        Assert.Equal(64, LoadCli.Parse(["consume", "--target", "rabbitmq", "--routes", "64"]).Settings!.Routes);
        Assert.Empty(LoadCli.Parse(["consume", "--routes", "3", "--fastbroker-consumers", "queue", "--queue-receive", "pull", "--queue-batch", "500"]).Errors);
        Assert.Equal(0, LoadCli.Parse(["consume", "--routes", "0"]).Settings!.Routes);
    }

    [Theory]
    [InlineData("65")]
    [InlineData("100")]
    [InlineData("ten")]
    public void A_route_count_outside_0_to_64_is_refused(string routes)
    {
        var outcome = LoadCli.Parse(["consume", "--routes", routes]);

        Assert.Null(outcome.Settings);
        Assert.Contains(outcome.Errors, e => e.StartsWith("--routes:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--fastbroker-consumers", "stream", "queue consumers")]
    [InlineData("--queue-receive", "push", "push reads one subscription")]
    public void Routes_with_consumers_that_cannot_read_them_are_refused(string option, string value, string reason)
    {
        var outcome = LoadCli.Parse(["consume", "--routes", "4", option, value]);

        Assert.Null(outcome.Settings);
        Assert.Contains(outcome.Errors, e => e.StartsWith("--routes:", StringComparison.Ordinal) && e.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Publish_offers_no_routes()
    {
        Assert.NotEmpty(LoadCli.Parse(["publish", "--routes", "10"]).Errors);
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("nats")]
    public async Task Routes_to_a_peer_without_a_routed_mode_exit_2(string target)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await LoadCli.RunAsync(["consume", "--target", target, "--routes", "10"], stdout, stderr, CancellationToken.None);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"error: --routes: {target} has no routed mode; routed runs go to fastbroker or rabbitmq", stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }

    [Fact]
    public void Rss_pid_is_parsed_for_every_scenario()
    {
        Assert.Equal(1234, LoadCli.Parse(["publish", "--rss-pid", "1234"]).Settings!.RssPid);
        Assert.Equal(1, LoadCli.Parse(["consume", "--rss-pid", "1"]).Settings!.RssPid);
        Assert.Contains(LoadCli.Parse(["consume", "--rss-pid", "0"]).Errors, e => e.StartsWith("--rss-pid:", StringComparison.Ordinal));
    }
}
