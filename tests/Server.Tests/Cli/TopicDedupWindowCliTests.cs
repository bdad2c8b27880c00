using System.Text;
using FastBroker.Server.Tests.Support;

namespace FastBroker.Server.Tests.Cli;

/// <summary><c>topic create|alter|describe --dedup-window</c>, in-process against the real broker started with a
/// default window of 10 minutes.</summary>
public sealed class TopicDedupWindowCliTests : IAsyncLifetime
{
    private readonly InProcessBroker _broker = new(o => o with { DedupWindow = TimeSpan.FromMinutes(10) });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private async Task<(int ExitCode, string Out, string Error)> Run(params string[] args)
    {
        var (code, output, error) = await CliRun.BytesAsync([], [.. args, "--server", _broker.Endpoint]);
        return (code, Encoding.UTF8.GetString(output), error.Replace("\r\n", "\n"));
    }

    private async Task<string> WindowLineAsync(string topic)
        => (await Run("topic", "describe", topic)).Out.Split('\n').Single(l => l.StartsWith("dedup-window", StringComparison.Ordinal));

    [Fact]
    public async Task Create_alter_and_describe_show_the_window_and_where_it_comes_from()
    {
        Assert.Equal(0, (await Run("topic", "create", "plain")).ExitCode);
        Assert.Equal(0, (await Run("topic", "create", "orders", "--dedup-window", "30m")).ExitCode);

        Assert.Equal("dedup-window\t10m\tdefault", await WindowLineAsync("plain"));
        Assert.Equal("dedup-window\t30m\ttopic", await WindowLineAsync("orders"));

        var off = await Run("topic", "alter", "orders", "--dedup-window", "off");
        Assert.Equal((0, "altered orders: retention none (default), retention-bytes none (default), dedup-window off (topic)\n", ""), off);
        Assert.Equal("dedup-window\toff\ttopic", await WindowLineAsync("orders"));

        Assert.Equal(0, (await Run("topic", "alter", "orders", "--dedup-window", "1d")).ExitCode);
        Assert.Equal("dedup-window\t1d\ttopic", await WindowLineAsync("orders"));

        Assert.Equal(0, (await Run("topic", "alter", "orders", "--dedup-window", "default")).ExitCode);
        Assert.Equal("dedup-window\t10m\tdefault", await WindowLineAsync("orders"));
    }

    [Theory]
    [InlineData("-5m")]
    [InlineData("soon")]
    [InlineData("")]
    public async Task A_window_that_does_not_parse_is_refused_before_connecting(string value)
    {
        var result = await Run("topic", "create", "orders", "--dedup-window", value);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--dedup-window", result.Error);
    }
}
