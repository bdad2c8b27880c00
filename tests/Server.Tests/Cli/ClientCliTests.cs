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
        var (code, output, error) = await CliRun.BytesAsync(System.Text.Encoding.UTF8.GetBytes(stdin), args);
        return new Run(code, System.Text.Encoding.UTF8.GetString(output), error);
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
    public async Task No_command_prints_the_help_and_is_a_usage_error()
    {
        var run = await RunAsync();

        Assert.Equal(ClientCli.ExitUsage, run.ExitCode);
        Assert.Contains("Commands:", run.Out);
        Assert.Contains("serve", run.Out);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task Help_lists_serve_and_help_among_the_commands()
    {
        var run = await RunAsync("help");

        Assert.Equal(ClientCli.ExitOk, run.ExitCode);
        Assert.Equal((await RunAsync("--help")).Out, run.Out);
        string commands = run.Out[run.Out.IndexOf("Commands:", StringComparison.Ordinal)..];
        foreach (string command in new[] { "serve", "topic", "publish", "consume", "queue", "receive", "dlq", "help" })
            Assert.Matches($"(?m)^  {command}\\b", commands);
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("topic", "create")]
    [InlineData("receive")]
    public async Task Help_for_a_command_is_that_commands_help(params string[] command)
    {
        var viaHelp = await RunAsync(["help", .. command]);
        var viaOption = await RunAsync([.. command, "--help"]);

        Assert.Equal(ClientCli.ExitOk, viaHelp.ExitCode);
        Assert.Equal(viaOption.Out, viaHelp.Out);
        Assert.Contains($" {string.Join(' ', command)} ", viaHelp.Out);
    }

    [Fact]
    public async Task Help_for_an_unknown_command_is_a_usage_error()
    {
        var run = await RunAsync("help", "frobnicate");

        Assert.Equal(ClientCli.ExitUsage, run.ExitCode);
        Assert.Contains("frobnicate", run.Error);
    }

    [Fact]
    public async Task Serve_help_lists_every_serve_option_in_the_common_style()
    {
        var run = await RunAsync("serve", "--help");

        Assert.Equal(ClientCli.ExitOk, run.ExitCode);
        Assert.Contains("Usage:", run.Out);
        Assert.Contains(" serve [options]", run.Out);
        foreach (string option in new[] { "--listen", "--data", "--fsync", "--max-frame-bytes", "--max-message-bytes", "--segment-bytes", "--auto-create",
            "--auto-create-partitions", "--log-level", "--min-free-disk", "--max-connections", "--max-output-bytes", "--handshake-timeout", "--frame-timeout" })
            Assert.Contains(option + " ", run.Out);
        Assert.DoesNotContain("--server", run.Out);
    }

    [Fact]
    public async Task A_bad_serve_option_is_a_usage_error_without_starting_a_broker()
    {
        var run = await RunAsync("serve", "--fsync", "sometimes");

        Assert.Equal(ClientCli.ExitUsage, run.ExitCode);
        Assert.StartsWith("error: --fsync: 'sometimes' is not always, never or interval:MS", run.Error);
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("0ms")]
    public async Task Receive_accepts_a_wait_of_zero(string wait)
    {
        var run = await RunAsync("receive", "jobs", "--wait", wait, "--server", ClosedEndpoint());

        // Parsed fine: the run gets as far as connecting.
        Assert.Equal(ClientCli.ExitFailure, run.ExitCode);
        Assert.StartsWith("error: Cannot connect", run.Error);
    }

    [Theory]
    [InlineData("receive", "jobs", "--wait", "30s")]
    [InlineData("queue", "create", "jobs", "--visibility", "13h")]
    [InlineData("topic", "create", "")]
    [InlineData("topic", "create", "no spaces")]
    [InlineData("queue", "create", "jobs", "--dlq", "bad/name")]
    [InlineData("consume", "orders", "--format", "xml")]
    [InlineData("consume", "")]
    [InlineData("consume", "a b")]
    [InlineData("consume", "orders", "--format", "json", "--print-topic")]
    [InlineData("publish", "orders", "--input", "words")]
    [InlineData("publish", "orders", "--input", "nul", "--file", "/etc/hostname")]
    public async Task Out_of_range_and_malformed_values_are_usage_errors_in_words(params string[] args)
    {
        var run = await RunAsync([.. args, "--server", ClosedEndpoint()]);

        Assert.Equal(ClientCli.ExitUsage, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
        Assert.DoesNotContain("(Parameter", run.Error);
        Assert.DoesNotContain("Exception", run.Error);
    }

    [Fact]
    public async Task A_wait_beyond_the_limit_says_the_limit()
    {
        var run = await RunAsync("receive", "jobs", "--wait", "30s", "--server", ClosedEndpoint());

        Assert.StartsWith("error: --wait must be at most 20s, not 30s", run.Error);
    }

    [Fact]
    public async Task An_empty_name_is_said_in_words()
    {
        var run = await RunAsync("topic", "create", "", "--server", ClosedEndpoint());

        Assert.StartsWith("error: a name cannot be empty", run.Error);
    }

    [Fact]
    public async Task A_file_that_cannot_be_read_is_one_line_without_the_runtime_message()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"fastbroker-missing-{Guid.NewGuid():N}");

        var run = await RunAsync("publish", "orders", "--file", missing, "--server", ClosedEndpoint());

        Assert.Equal(ClientCli.ExitFailure, run.ExitCode);
        Assert.Equal($"error: cannot read '{missing}': no such file or directory\n", run.Error.Replace("\r\n", "\n"));
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
