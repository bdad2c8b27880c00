using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests;

/// <summary>`fastbroker consume` with a routing pattern, and `publish --ttl / --expires-at`, against a live broker.</summary>
public sealed class PatternCliTests : IAsyncLifetime
{
    private BrokerProcess _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerProcess.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private Task<Cli.Result> Run(string? stdin, params string[] args) => Cli.RunAsync(_broker.Address, stdin, args);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private async Task CreateAndPublish(string topic, params string[] lines)
    {
        Assert.Equal(0, (await Run(null, "topic", "create", topic)).ExitCode);
        var published = await Run(string.Join('\n', lines) + "\n", "publish", topic);
        Assert.Equal(0, published.ExitCode);
    }

    [Fact]
    public async Task Consume_with_a_pattern_prints_every_matching_topic_and_a_group_resumes_each()
    {
        await CreateAndPublish("orders.eu", "eu 1", "eu 2");
        await CreateAndPublish("orders.us", "us 1");
        await CreateAndPublish("payments", "pay 1");

        var all = await Run(null, "consume", "orders.*", "--timeout", "1s");
        Assert.Equal(0, all.ExitCode);
        Assert.Equal(["eu 1", "eu 2", "us 1"], Lines(all.Stdout).Order());
        // Within a topic the order is kept.
        Assert.True(Array.IndexOf(Lines(all.Stdout), "eu 1") < Array.IndexOf(Lines(all.Stdout), "eu 2"));

        var tagged = await Run(null, "consume", "orders.#", "--print-topic", "--timeout", "1s");
        Assert.Equal(["orders.eu\teu 1", "orders.eu\teu 2", "orders.us\tus 1"], tagged.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());

        var first = await Run(null, "consume", "orders.*", "--group", "g", "--timeout", "1s");
        Assert.Equal(3, Lines(first.Stdout).Length);
        await CreateAndPublish("orders.asia", "asia 1");
        Assert.Equal(0, (await Run("us 2\n", "publish", "orders.us")).ExitCode);
        var next = await Run(null, "consume", "orders.*", "--group", "g", "--timeout", "1s");
        Assert.Equal(0, next.ExitCode);
        Assert.Equal(["asia 1", "us 2"], Lines(next.Stdout).Order());

        var none = await Run(null, "consume", "nothing.*", "--timeout", "500ms");
        Assert.Equal(0, none.ExitCode);
        Assert.Equal("", none.Stdout);
    }

    [Fact]
    public async Task Print_topic_prefixes_a_single_topic_too_and_without_it_the_output_is_just_the_payloads()
    {
        await CreateAndPublish("lines", "one", "two");

        var plain = await Run(null, "consume", "lines", "--timeout", "1s");
        var tagged = await Run(null, "consume", "lines", "--print-topic", "--timeout", "1s");

        Assert.Equal("one\ntwo\n", plain.Stdout.Replace("\r\n", "\n"));
        Assert.Equal("lines\tone\nlines\ttwo\n", tagged.Stdout.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Published_with_a_past_expiry_is_not_consumed_and_with_a_ttl_it_is()
    {
        Assert.Equal(0, (await Run(null, "topic", "create", "alerts")).ExitCode);
        Assert.Equal(0, (await Run("stale\n", "publish", "alerts", "--expires-at", "2000-01-01T00:00:00Z")).ExitCode);
        Assert.Equal(0, (await Run("fresh\n", "publish", "alerts", "--ttl", "10m")).ExitCode);
        long inAnHour = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
        Assert.Equal(0, (await Run("until\n", "publish", "alerts", "--expires-at", inAnHour.ToString())).ExitCode);
        Assert.Equal(0, (await Run("gone\n", "publish", "alerts", "--expires-at", "1000")).ExitCode);

        var consumed = await Run(null, "consume", "alerts", "--timeout", "1s");

        Assert.Equal(0, consumed.ExitCode);
        Assert.Equal(["fresh", "until"], Lines(consumed.Stdout));
    }

    [Theory]
    [InlineData("--ttl", "0s", "not a duration for --ttl")]
    [InlineData("--ttl", "soon", "not a duration for --ttl")]
    [InlineData("--expires-at", "tomorrow", "not a time for --expires-at")]
    [InlineData("--expires-at", "1969-12-31T23:59:59Z", "not a time for --expires-at")]
    public async Task Bad_expiry_options_are_usage_errors(string option, string value, string message)
    {
        var result = await Run("x\n", "publish", "alerts", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr);
    }

    [Fact]
    public async Task Ttl_and_expires_at_together_are_a_usage_error()
    {
        var result = await Run("x\n", "publish", "alerts", "--ttl", "5s", "--expires-at", "2030-01-01T00:00:00Z");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("use --ttl or --expires-at, not both", result.Stderr);
    }
}
