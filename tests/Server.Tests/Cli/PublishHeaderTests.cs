using System.Text;
using System.Text.Json;
using FastBroker.Server.Tests.Support;

namespace FastBroker.Server.Tests.Cli;

/// <summary><c>publish --header NAME=VALUE</c>, against the in-process broker.</summary>
public sealed class PublishHeaderTests : IAsyncLifetime
{
    private readonly InProcessBroker _broker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private Task<(int ExitCode, byte[] Out, string Error)> Run(byte[] stdin, params string[] args)
        => CliRun.BytesAsync(stdin, [.. args, "--server", _broker.Endpoint]);

    [Fact]
    public async Task Every_message_gets_the_headers_in_order_and_a_value_may_hold_equals_signs()
    {
        await Run([], "topic", "create", "orders");

        var published = await Run("one\ntwo\n"u8.ToArray(), "publish", "orders", "--header", "type=created", "--header", "note=a=b", "--header", "empty=");
        var consumed = await Run([], "consume", "orders", "--count", "2", "--format", "json");

        Assert.Equal((0, "published 2\n"), (published.ExitCode, Encoding.UTF8.GetString(published.Out)));
        var lines = Encoding.UTF8.GetString(consumed.Out).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        foreach (string line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var headers = json.RootElement.GetProperty("headers").EnumerateArray()
                .Select(h => (h.GetProperty("name").GetString(), h.GetProperty("value").GetString())).ToList();
            Assert.Equal([("type", "created"), ("note", "a=b"), ("empty", "")], headers);
        }
    }

    [Fact]
    public async Task A_filtered_queue_delivers_only_what_the_header_matches()
    {
        await Run([], "topic", "create", "orders");
        await Run([], "queue", "create", "created", "--topic", "orders", "--filter", "header(type) = \"created\"");

        await Run("a\n"u8.ToArray(), "publish", "orders", "--header", "type=created");
        await Run("b\n"u8.ToArray(), "publish", "orders", "--header", "type=updated");
        await Run("c\n"u8.ToArray(), "publish", "orders");
        var received = await Run([], "receive", "created", "--topic", "orders", "--max", "10");

        Assert.Equal((0, "a\n"), (received.ExitCode, Encoding.UTF8.GetString(received.Out)));
    }

    [Theory]
    [InlineData("type", "'type' is not a header for --header (use NAME=VALUE, e.g. type=created)")]
    [InlineData("=created", "'=created' is not a header for --header (use NAME=VALUE, e.g. type=created)")]
    public async Task A_header_without_a_name_and_an_equals_sign_is_bad_usage(string header, string message)
    {
        await Run([], "topic", "create", "orders");

        var run = await Run("x\n"u8.ToArray(), "publish", "orders", "--header", header);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {message}\n", run.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Empty(await ConsumedAsync("orders"));
    }

    [Fact]
    public async Task A_header_name_too_long_for_a_record_is_bad_usage_and_nothing_is_sent()
    {
        await Run([], "topic", "create", "orders");

        var run = await Run("x\n"u8.ToArray(), "publish", "orders", "--header", new string('h', 70_000) + "=v");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --header: a header name is at most 65535 UTF-8 bytes, not 70000\n", run.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Empty(await ConsumedAsync("orders"));
    }

    private async Task<byte[]> ConsumedAsync(string topic) => (await Run([], "consume", topic, "--timeout", "200ms")).Out;
}
