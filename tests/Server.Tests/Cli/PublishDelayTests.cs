using System.Globalization;
using System.Text;
using System.Text.Json;
using FastBroker.Server.Tests.Support;

namespace FastBroker.Server.Tests.Cli;

/// <summary><c>publish --delay</c> and <c>--deliver-at</c> (PROTOCOL.md section 6.7), against the in-process broker.</summary>
public sealed class PublishDelayTests : IAsyncLifetime
{
    private readonly InProcessBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private Task<(int ExitCode, byte[] Out, string Error)> Run(byte[] stdin, params string[] args)
        => CliRun.BytesAsync(stdin, [.. args, "--server", _broker.Endpoint]);

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private async Task<List<(string Value, List<(string?, string?)> Headers)>> ConsumedAsync(string topic, int count)
    {
        var consumed = await Run([], "consume", topic, "--count", count.ToString(CultureInfo.InvariantCulture), "--format", "json");
        Assert.Equal(0, consumed.ExitCode);
        var messages = new List<(string, List<(string?, string?)>)>();
        foreach (string line in Text(consumed.Out).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            var headers = json.RootElement.GetProperty("headers").EnumerateArray()
                .Select(h => (h.GetProperty("name").GetString(), h.GetProperty("value").GetString())).ToList();
            messages.Add((json.RootElement.GetProperty("value").GetString()!, headers));
        }
        return messages;
    }

    [Fact]
    public async Task A_delayed_message_is_in_the_log_at_once_but_not_delivered_by_a_queue_before_its_time()
    {
        await Run([], "topic", "create", "orders");
        await Run([], "queue", "create", "jobs", "--topic", "orders");
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var published = await Run("later\n"u8.ToArray(), "publish", "orders", "--delay", "1h", "--header", "type=created");
        Assert.Equal((0, "published 1\n"), (published.ExitCode, Text(published.Out)));
        Assert.Equal(0, (await Run("deadline\n"u8.ToArray(), "publish", "orders", "--deliver-at", "4102444800000")).ExitCode);

        // A topic reader sees both at once, with their delivery times first.
        var log = await ConsumedAsync("orders", 2);
        Assert.Equal(["later", "deadline"], log.Select(m => m.Value));
        var (name, value) = log[0].Headers[0];
        Assert.Equal("fb-deliver-at", name);
        long at = long.Parse(value!, CultureInfo.InvariantCulture);
        Assert.InRange(at, before + 3_600_000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3_600_000);
        Assert.Equal(("type", "created"), log[0].Headers[1]);
        Assert.Equal([("fb-deliver-at", "4102444800000")], log[1].Headers);

        // The queue holds them back.
        var received = await Run([], "receive", "jobs", "--topic", "orders", "--max", "10", "--wait", "0s");
        Assert.Equal((0, ""), (received.ExitCode, Text(received.Out)));
        var stats = Text((await Run([], "queue", "stats", "jobs", "--topic", "orders")).Out);
        Assert.Contains("\ndelayed: 2\n", stats, StringComparison.Ordinal);
        Assert.StartsWith("visible: 0\n", stats, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fixed_expiry_goes_with_a_delay_as_its_own_header()
    {
        await Run([], "topic", "create", "orders");
        Assert.Equal(0, (await Run("x\n"u8.ToArray(), "publish", "orders", "--delay", "30s", "--expires-at", "4102444800000")).ExitCode);
        var message = Assert.Single(await ConsumedAsync("orders", 1));
        Assert.Equal("fb-deliver-at", message.Headers[0].Item1);
        Assert.Equal(("fb-expires", "4102444800000"), message.Headers[1]);
    }

    [Theory]
    [InlineData("--delay", "soon")]
    [InlineData("--delay", "0s")]
    [InlineData("--deliver-at", "tomorrow")]
    public async Task A_bad_delay_or_time_is_bad_usage_and_nothing_is_sent(string option, string value)
    {
        await Run([], "topic", "create", "orders");
        var run = await Run("x\n"u8.ToArray(), "publish", "orders", option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option, run.Error, StringComparison.Ordinal);
        Assert.Empty((await Run([], "consume", "orders", "--timeout", "200ms")).Out);
    }

    [Fact]
    public async Task A_delay_and_a_delivery_time_together_are_bad_usage()
    {
        await Run([], "topic", "create", "orders");
        var run = await Run("x\n"u8.ToArray(), "publish", "orders", "--delay", "30s", "--deliver-at", "4102444800000");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("use --delay or --deliver-at, not both", run.Error, StringComparison.Ordinal);
    }
}
