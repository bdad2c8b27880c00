using System.Net;
using System.Net.Sockets;
using FastBroker.ClientLite;
using FastBroker.Server.Cli;

namespace FastBroker.Server.Tests.Cli;

public sealed class ClientCliTests
{
    private sealed record Run(int ExitCode, string Out, string Error);

    private static async Task<Run> RunWithInputAsync(string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader(stdin);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        int code = await ClientCli.RunAsync(args, input, output, error, limit.Token);
        return new Run(code, output.ToString(), error.ToString());
    }

    private static Task<Run> RunAsync(params string[] args) => RunWithInputAsync("", args);

    /// <summary>An address on loopback where nothing listens: the port was just bound and released.</summary>
    private static string ClosedEndpoint()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return $"127.0.0.1:{((IPEndPoint)probe.LocalEndPoint!).Port}";
    }

    [Theory]
    [InlineData("topic", "create")]
    [InlineData("topic", "delete")]
    [InlineData("publish")]
    [InlineData("consume")]
    public async Task A_missing_topic_name_is_a_usage_error(params string[] args)
    {
        var run = await RunAsync(args);

        Assert.Equal(ClientCli.ExitUsage, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("0s")]
    [InlineData("-1s")]
    [InlineData("soon")]
    [InlineData("5 s")]
    [InlineData("3parsecs")]
    [InlineData("ms")]
    public async Task A_bad_duration_is_a_usage_error(string duration)
    {
        var run = await RunAsync("consume", "orders", "--timeout", duration, "--server", ClosedEndpoint());

        Assert.Equal(ClientCli.ExitUsage, run.ExitCode);
        Assert.Contains($"'{duration}' is not a duration", run.Error);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1m", 60_000)]
    [InlineData("2h", 7_200_000)]
    public void Durations_accept_milliseconds_seconds_minutes_and_hours(string text, int milliseconds)
    {
        Assert.True(CliValues.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("earliest", StartPositionKind.Earliest, 0)]
    [InlineData("LATEST", StartPositionKind.Latest, 0)]
    [InlineData("42", StartPositionKind.Offset, 42)]
    public void Start_positions_parse(string text, StartPositionKind kind, long value)
    {
        Assert.True(CliValues.TryParseStart(text, out var start));
        Assert.Equal(kind, start.Kind);
        Assert.Equal(value, start.Value);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-3")]
    [InlineData("")]
    public async Task A_bad_start_position_is_a_usage_error(string from)
    {
        var run = await RunAsync("consume", "orders", "--from", from, "--server", ClosedEndpoint());

        Assert.Equal(ClientCli.ExitUsage, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1025")]
    [InlineData("many")]
    public async Task A_partition_count_out_of_range_is_a_usage_error(string partitions)
    {
        var run = await RunAsync("topic", "create", "orders", "--partitions", partitions, "--server", ClosedEndpoint());

        Assert.Equal(ClientCli.ExitUsage, run.ExitCode);
    }

    [Theory]
    [InlineData("--count", "0")]
    [InlineData("--count", "-2")]
    public async Task A_non_positive_count_is_a_usage_error(string option, string value)
    {
        var run = await RunAsync("consume", "orders", option, value, "--server", ClosedEndpoint());

        Assert.Equal(ClientCli.ExitUsage, run.ExitCode);
    }

    [Theory]
    [InlineData("host:notaport")]
    [InlineData("127.0.0.1:70000")]
    [InlineData(":7420")]
    public async Task A_bad_server_address_is_a_usage_error(string server)
    {
        var run = await RunAsync("topic", "list", "--server", server);

        Assert.Equal(ClientCli.ExitUsage, run.ExitCode);
        Assert.Contains("is not a broker address", run.Error);
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error()
    {
        var run = await RunAsync("frobnicate");

        Assert.Equal(ClientCli.ExitUsage, run.ExitCode);
        Assert.Contains("frobnicate", run.Error);
    }

    [Fact]
    public async Task No_command_is_a_usage_error()
    {
        var run = await RunAsync();

        Assert.Equal(ClientCli.ExitUsage, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
    }

    [Fact]
    public async Task Help_lists_the_commands_on_stdout_and_succeeds()
    {
        var run = await RunAsync("--help");

        Assert.Equal(ClientCli.ExitOk, run.ExitCode);
        Assert.Contains("topic", run.Out);
        Assert.Contains("publish", run.Out);
        Assert.Contains("consume", run.Out);
    }

    [Theory]
    [InlineData("topic", "list")]
    [InlineData("topic", "create", "orders")]
    [InlineData("publish", "orders")]
    [InlineData("consume", "orders", "--timeout", "1s")]
    public async Task An_unreachable_broker_is_a_failure_with_one_error_line(params string[] args)
    {
        string server = ClosedEndpoint();

        var run = await RunWithInputAsync("hello\n", [.. args, "--server", server]);

        Assert.Equal(ClientCli.ExitFailure, run.ExitCode);
        Assert.StartsWith($"error: Cannot connect to {server}", run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.Equal("", run.Out);
    }
}
