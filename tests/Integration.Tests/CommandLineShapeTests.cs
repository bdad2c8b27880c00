using System.Diagnostics;
using FastBroker.IntegrationTests.Infrastructure;
using FastBroker.Testing;

namespace FastBroker.IntegrationTests;

/// <summary>The `fastbroker` binary's top level: no command, help, serve's help and usage errors, and byte-exact messages.</summary>
public sealed class CommandLineShapeTests
{
    private sealed record Output(int ExitCode, string Stdout, string Stderr);

    // Runs the binary without --server (serve has none) in an empty directory, to see what it leaves there.
    private static async Task<Output> RunAsync(string workingDirectory, params string[] args)
    {
        var run = await Cli.RunBinaryAsync(args, stdin: [], workingDirectory);
        return new Output(run.ExitCode, System.Text.Encoding.UTF8.GetString(run.Stdout), run.Stderr);
    }

    [Fact]
    public async Task No_command_prints_the_help_exits_2_and_starts_no_broker()
    {
        string dir = TempDirectories.Create("bare");
        try
        {
            var run = await RunAsync(dir);

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("Commands:", run.Stdout);
            Assert.Contains("  serve ", run.Stdout);
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Help_and_help_serve_succeed_and_serve_help_has_the_common_layout()
    {
        string dir = Path.GetTempPath();
        var help = await RunAsync(dir, "help");
        var helpServe = await RunAsync(dir, "help", "serve");
        var serveHelp = await RunAsync(dir, "serve", "--help");

        Assert.Equal((0, 0, 0), (help.ExitCode, helpServe.ExitCode, serveHelp.ExitCode));
        Assert.Contains("  serve ", help.Stdout);
        Assert.Equal(serveHelp.Stdout, helpServe.Stdout);
        Assert.Contains("Usage:", serveHelp.Stdout);
        Assert.Contains("--auto-create-partitions <N>", serveHelp.Stdout);
        Assert.Contains("--log-level <LEVEL>", serveHelp.Stdout);
    }

    [Fact]
    public async Task A_data_directory_that_cannot_be_made_is_one_line_in_words()
    {
        var run = await RunAsync(Path.GetTempPath(), "serve", "--data", "/proc/forbidden", "--listen", "127.0.0.1:0");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: cannot use data directory '/proc/forbidden': no such file or directory", run.Stderr.Trim());
    }

    [Fact]
    public async Task A_bad_serve_option_exits_2()
    {
        var run = await RunAsync(Path.GetTempPath(), "serve", "--max-connections", "none");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --max-connections: 'none' is not a positive number", run.Stderr);
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_pass_through_publish_and_consume_unchanged()
    {
        await using var broker = await BrokerProcess.StartAsync();
        Assert.Equal(0, (await Cli.RunAsync(broker.Address, null, "topic", "create", "raw")).ExitCode);
        byte[] input = [.. "caf"u8, 0xE9, (byte)'\n', 0x80, 0xFF, (byte)'\r', (byte)'\n'];

        var published = await RunBytesAsync(broker.Address, input, "publish", "raw");
        var consumed = await RunBytesAsync(broker.Address, [], "consume", "raw", "--count", "2");

        Assert.Equal(0, published.ExitCode);
        Assert.Equal(0, consumed.ExitCode);
        Assert.Equal(input, consumed.Stdout);
    }

    private static Task<Cli.BytesResult> RunBytesAsync(string server, byte[] stdin, params string[] args)
        => Cli.RunBinaryAsync([.. args, "--server", server], stdin);
}
