using FastBroker.Load.Cli;
using FastBroker.Load.Runs;
using FastBroker.Load.Targets;
using FastBroker.Load.Tests.Infrastructure;

namespace FastBroker.Load.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public void Publish_without_options_uses_the_documented_defaults()
    {
        var outcome = LoadCli.Parse(["publish"]);

        Assert.Empty(outcome.Errors);
        var s = Assert.IsType<RunSettings>(outcome.Settings);
        Assert.Equal("publish", s.Scenario);
        Assert.Equal("fastbroker", s.Target);
        Assert.Equal("127.0.0.1:7420", s.Endpoints.FastBroker);
        Assert.Equal("load", s.Topic);
        Assert.Equal(4, s.Partitions);
        Assert.Equal(100, s.Size);
        Assert.Equal(1_000_000, s.Count);
        Assert.Equal(TimeSpan.FromSeconds(30), s.Duration);
        Assert.Equal(2, s.Producers);
        Assert.Equal(65_536, s.Window);
        Assert.Equal(256 * 1024, s.BatchBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(1), s.Linger);
        Assert.False(s.Idempotent);
        Assert.Equal("always", s.Fsync);
        Assert.Equal(Path.Combine("load", "reports"), s.ReportDirectory);
        Assert.Null(s.Name);
        Assert.Null(s.MaxP99);
        Assert.Null(s.MinThroughput);
    }

    [Fact]
    public void Every_option_of_the_latency_scenario_is_parsed()
    {
        var outcome = LoadCli.Parse([
            "latency", "--target", "redis", "--fastbroker", "localhost:7000", "--redis", "127.0.0.1:6000", "--nats", "nats://127.0.0.1:4000",
            "--rabbitmq", "amqp://guest:guest@localhost:5000/", "--topic", "lat.t-1", "--partitions", "8", "--size", "1KiB",
            "--count", "2M", "--duration", "2m", "--producers", "3", "--consumers", "4", "--window", "1000", "--batch-bytes", "64KiB",
            "--linger", "500us", "--idempotent", "on", "--fsync", "interval:5", "--rate", "50k", "--idle-timeout", "3s", "--report-dir", "/tmp/r",
            "--name", "run-1", "--max-p99", "1.5ms", "--min-throughput", "45k",
        ]);

        Assert.Empty(outcome.Errors);
        var s = outcome.Settings!;
        Assert.Equal("redis", s.Target);
        Assert.Equal("localhost:7000", s.Endpoints.FastBroker);
        Assert.Equal("127.0.0.1:6000", s.Endpoints.Redis);
        Assert.Equal("nats://127.0.0.1:4000", s.Endpoints.Nats);
        Assert.Equal("amqp://guest:guest@localhost:5000/", s.Endpoints.RabbitMq);
        Assert.Equal("lat.t-1", s.Topic);
        Assert.Equal(8, s.Partitions);
        Assert.Equal(1024, s.Size);
        Assert.Equal(2_000_000, s.Count);
        Assert.Equal(TimeSpan.FromMinutes(2), s.Duration);
        Assert.Equal(3, s.Producers);
        Assert.Equal(4, s.Consumers);
        Assert.Equal(1000, s.Window);
        Assert.Equal(64 * 1024, s.BatchBytes);
        Assert.Equal(TimeSpan.FromMicroseconds(500), s.Linger);
        Assert.True(s.Idempotent);
        Assert.Equal("interval:5", s.Fsync);
        Assert.Equal(50_000, s.Rate);
        Assert.Equal(TimeSpan.FromSeconds(3), s.IdleTimeout);
        Assert.Equal("/tmp/r", s.ReportDirectory);
        Assert.Equal("run-1", s.Name);
        Assert.Equal(TimeSpan.FromMicroseconds(1500), s.MaxP99);
        Assert.Equal(45_000, s.MinThroughput);
    }

    [Theory]
    [InlineData("--count", "0")]
    [InlineData("--count", "many")]
    [InlineData("--count", "1.5")]
    [InlineData("--duration", "30")]
    [InlineData("--duration", "11m")]
    [InlineData("--duration", "0")]
    [InlineData("--size", "0")]
    [InlineData("--size", "2MiB")]
    [InlineData("--partitions", "0")]
    [InlineData("--partitions", "2000")]
    [InlineData("--producers", "0")]
    [InlineData("--linger", "1")]
    [InlineData("--idempotent", "yes")]
    [InlineData("--linger", "20s")]
    [InlineData("--batch-bytes", "10")]
    [InlineData("--fsync", "sometimes")]
    [InlineData("--name", "../escape")]
    [InlineData("--topic", "a topic")]
    [InlineData("--min-throughput", "fast")]
    [InlineData("--window", "0")]
    public void A_bad_value_is_refused_naming_its_option(string option, string value)
    {
        var outcome = LoadCli.Parse(["publish", option, value]);

        Assert.Null(outcome.Settings);
        Assert.Contains(outcome.Errors, e => e.StartsWith(option + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Duration_is_capped_at_ten_minutes()
    {
        Assert.Empty(LoadCli.Parse(["publish", "--duration", "10m"]).Errors);
        Assert.Contains("at most 10m", Assert.Single(LoadCli.Parse(["publish", "--duration", "601s"]).Errors));
    }

    [Fact]
    public void Options_a_scenario_does_not_use_are_not_offered()
    {
        Assert.NotEmpty(LoadCli.Parse(["publish", "--rate", "10k"]).Errors);
        Assert.NotEmpty(LoadCli.Parse(["publish", "--consumers", "2"]).Errors);
        Assert.NotEmpty(LoadCli.Parse(["publish", "--max-p99", "1ms"]).Errors);
        Assert.NotEmpty(LoadCli.Parse(["consume", "--max-p99", "1ms"]).Errors);
        Assert.Equal(TimeSpan.FromMilliseconds(1), LoadCli.Parse(["e2e", "--max-p99", "1ms"]).Settings!.MaxP99);
    }

    [Fact]
    public void Latency_needs_payloads_large_enough_for_the_send_time()
    {
        var outcome = LoadCli.Parse(["latency", "--size", "7"]);

        Assert.Null(outcome.Settings);
        Assert.Contains(outcome.Errors, e => e.Contains("8 bytes", StringComparison.Ordinal));
        Assert.Empty(LoadCli.Parse(["latency", "--size", "8"]).Errors);
        Assert.Empty(LoadCli.Parse(["publish", "--size", "1"]).Errors);
    }

    [Fact]
    public void FastBroker_consumers_cannot_outnumber_partitions()
    {
        Assert.Contains(LoadCli.Parse(["consume", "--consumers", "5", "--partitions", "4"]).Errors, e => e.StartsWith("--consumers 5", StringComparison.Ordinal));
        Assert.Empty(LoadCli.Parse(["consume", "--consumers", "4", "--partitions", "4"]).Errors);
        Assert.Equal(1, LoadCli.Parse(["consume", "--partitions", "1"]).Settings!.Consumers);
        // Peers share messages between competing consumers, so the limit is FastBroker's alone.
        Assert.Empty(LoadCli.Parse(["consume", "--target", "redis", "--consumers", "5", "--partitions", "4"]).Errors);
    }

    [Fact]
    public void FastBroker_consumers_are_stream_cursors_unless_queue_mode_is_asked_for()
    {
        var s = LoadCli.Parse(["e2e"]).Settings!;

        Assert.Equal(FastBrokerConsumerMode.Stream, s.FastBrokerConsumers);
        Assert.Equal(QueueReceiveMode.Pull, s.QueueReceive);
        Assert.Equal(1000, s.QueueBatch);
    }

    [Theory]
    [InlineData("consume", "pull")]
    [InlineData("e2e", "push")]
    [InlineData("latency", "pull")]
    public void Queue_mode_and_its_receive_options_are_parsed(string scenario, string receive)
    {
        var outcome = LoadCli.Parse([scenario, "--fastbroker-consumers", "queue", "--queue-receive", receive, "--queue-batch", "5k"]);

        Assert.Empty(outcome.Errors);
        var s = outcome.Settings!;
        Assert.Equal(FastBrokerConsumerMode.Queue, s.FastBrokerConsumers);
        Assert.Equal(receive == "pull" ? QueueReceiveMode.Pull : QueueReceiveMode.Push, s.QueueReceive);
        Assert.Equal(5000, s.QueueBatch);
    }

    [Fact]
    public void Publish_may_go_to_a_queue_but_has_no_consumers_to_configure()
    {
        Assert.Equal(FastBrokerConsumerMode.Queue, LoadCli.Parse(["publish", "--fastbroker-consumers", "queue"]).Settings!.FastBrokerConsumers);
        Assert.NotEmpty(LoadCli.Parse(["publish", "--fastbroker-consumers", "queue", "--queue-receive", "pull"]).Errors);
    }

    [Theory]
    [InlineData("--fastbroker-consumers", "queues")]
    [InlineData("--fastbroker-consumers", "Queue")]
    [InlineData("--queue-receive", "poll")]
    [InlineData("--queue-batch", "0")]
    [InlineData("--queue-batch", "10001")]
    public void A_bad_queue_option_value_is_refused_naming_its_option(string option, string value)
    {
        string[] queueMode = option == "--fastbroker-consumers" ? [] : ["--fastbroker-consumers", "queue"];
        var outcome = LoadCli.Parse(["consume", .. queueMode, option, value]);

        Assert.Null(outcome.Settings);
        Assert.Contains(outcome.Errors, e => e.StartsWith(option + ":", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--queue-receive", "pull")]
    [InlineData("--queue-batch", "100")]
    public void Queue_receive_options_without_queue_mode_are_refused(string option, string value)
    {
        var outcome = LoadCli.Parse(["consume", option, value]);

        Assert.Null(outcome.Settings);
        Assert.Contains(outcome.Errors, e => e.Contains("--fastbroker-consumers queue", StringComparison.Ordinal));
    }

    [Fact]
    public void Queue_consumers_may_outnumber_partitions_and_keep_their_default_count()
    {
        var outcome = LoadCli.Parse(["consume", "--fastbroker-consumers", "queue", "--consumers", "5", "--partitions", "4"]);

        Assert.Empty(outcome.Errors);
        Assert.Equal(5, outcome.Settings!.Consumers);
        // Stream cursors shrink the default to the partitions; queue consumers compete for all of them.
        Assert.Equal(2, LoadCli.Parse(["consume", "--fastbroker-consumers", "queue", "--partitions", "1"]).Settings!.Consumers);
        Assert.Contains(LoadCli.Parse(["consume", "--consumers", "5", "--partitions", "4"]).Errors, e => e.Contains("--fastbroker-consumers queue", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--fastbroker", "10.0.0.1:7420", "10.0.0.1")]
    [InlineData("--fastbroker", "broker.example.com:7420", "broker.example.com")]
    [InlineData("--redis", "192.168.1.20:6379", "192.168.1.20")]
    [InlineData("--nats", "nats://8.8.8.8:4222", "8.8.8.8")]
    [InlineData("--rabbitmq", "amqp://guest:guest@rabbit.internal:5672/", "rabbit.internal")]
    [InlineData("--fastbroker", "[2001:db8::1]:7420", "2001:db8::1")]
    public async Task A_non_loopback_host_is_refused_with_exit_code_2(string option, string endpoint, string host)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await LoadCli.RunAsync(["publish", option, endpoint, "--count", "10"], stdout, stderr, CancellationToken.None);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"{option}: '{host}' is not a loopback host", stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1:7420")]
    [InlineData("127.8.9.10:7420")]
    [InlineData("localhost:7420")]
    [InlineData("LOCALHOST")]
    [InlineData("[::1]:7420")]
    public void A_loopback_host_is_accepted(string endpoint)
    {
        Assert.Empty(LoadCli.Parse(["publish", "--fastbroker", endpoint]).Errors);
    }

    [Fact]
    public async Task An_unknown_target_exits_2_naming_the_known_ones()
    {
        var stderr = new StringWriter();

        int exit = await LoadCli.RunAsync(["publish", "--target", "kafka"], new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("unknown target 'kafka' (known: fastbroker", stderr.ToString());
    }

    [Theory]
    [InlineData("publish", "--bogus", "1")]
    [InlineData("fanin")]
    public async Task Unknown_words_exit_2(params string[] args)
    {
        var stderr = new StringWriter();

        int exit = await LoadCli.RunAsync(args, new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.StartsWith("error: ", stderr.ToString());
    }

    [Fact]
    public async Task An_unreachable_broker_fails_the_run_with_exit_code_1()
    {
        using var reports = new TempDirectory("unreachable");
        var stderr = new StringWriter();

        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        int exit = await LoadCli.RunAsync(["publish", "--fastbroker", "127.0.0.1:1", "--count", "10", "--report-dir", reports.Path],
            new StringWriter(), stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("error: cannot prepare fastbroker", stderr.ToString());
    }
}
