using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests;

/// <summary>The client commands of the `fastbroker` binary against a live broker.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private BrokerProcess _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerProcess.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private Task<Cli.Result> Run(string? stdin, params string[] args) => Cli.RunAsync(_broker.Address, stdin, args);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Topics_are_created_listed_and_deleted()
    {
        var created = await Run(null, "topic", "create", "orders", "--partitions", "3");
        Assert.Equal(0, created.ExitCode);
        Assert.Contains("orders", created.Stdout);

        var list = await Run(null, "topic", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("orders\t3", Lines(list.Stdout));

        var again = await Run(null, "topic", "create", "orders");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Stderr);

        Assert.Equal(0, (await Run(null, "topic", "delete", "orders")).ExitCode);
        Assert.DoesNotContain("orders\t3", Lines((await Run(null, "topic", "list")).Stdout));
    }

    [Fact]
    public async Task Published_lines_are_consumed_back_and_a_group_continues_where_it_stopped()
    {
        Assert.Equal(0, (await Run(null, "topic", "create", "lines")).ExitCode);
        var lines = Enumerable.Range(1, 10).Select(i => $"line {i}").ToArray();
        var published = await Run(string.Join('\n', lines) + "\n", "publish", "lines");
        Assert.Equal(0, published.ExitCode);
        Assert.Equal("published 10", published.Stdout.Trim());

        var all = await Run(null, "consume", "lines", "--from", "earliest", "--count", "10", "--timeout", "5s");
        Assert.Equal(0, all.ExitCode);
        Assert.Equal(lines, Lines(all.Stdout));

        var first = await Run(null, "consume", "lines", "--group", "g1", "--count", "4", "--timeout", "5s");
        Assert.Equal(lines[..4], Lines(first.Stdout));
        var rest = await Run(null, "consume", "lines", "--group", "g1", "--timeout", "1s");
        Assert.Equal(lines[4..], Lines(rest.Stdout));

        var fromOffset = await Run(null, "consume", "lines", "--from", "8", "--timeout", "1s");
        Assert.Equal(lines[8..], Lines(fromOffset.Stdout));
    }

    [Fact]
    public async Task Keyed_publish_lands_every_line_on_one_partition()
    {
        Assert.Equal(0, (await Run(null, "topic", "create", "keyed", "--partitions", "4")).ExitCode);
        var published = await Run("a\nb\nc\n", "publish", "keyed", "--key", "customer-42");
        Assert.Equal(0, published.ExitCode);

        await using var connection = await FastBroker.ClientLite.BrokerConnection.ConnectAsync(_broker.Address);
        var metadata = await connection.GetTopicMetadataAsync("keyed");
        int expected = FastBroker.Wire.PartitionHash.ForKey("customer-42"u8, 4);
        for (int p = 0; p < 4; p++)
            Assert.Equal(p == expected ? 3 : 0, metadata.Partitions[p].EndOffset);
    }

    [Fact]
    public async Task Publishing_to_a_missing_topic_fails_with_a_clear_error()
    {
        var result = await Run("x\n", "publish", "missing");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown topic", result.Stderr);
        Assert.Contains("missing", result.Stderr);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_clear_error()
    {
        var result = await Cli.RunAsync("127.0.0.1:1", null, "topic", "list");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error:", result.Stderr.Trim());
    }
}
