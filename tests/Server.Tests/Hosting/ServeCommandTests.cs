using System.Net;
using FastBroker.Server.Hosting;
using FastBroker.Server.Journal;

namespace FastBroker.Server.Tests.Hosting;

public sealed class ServeCommandTests
{
    [Fact]
    public void No_options_means_loopback_7420_data_dir_and_fsync_always()
    {
        Assert.True(ServeCommand.TryParse([], out var options, out _, out _));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7420), options.Listen);
        Assert.Equal("data", options.DataDirectory);
        Assert.Equal(FsyncMode.Always, options.Fsync.Mode);
        Assert.False(options.AutoCreateTopics);
        Assert.Equal(1024 * 1024, options.MaxMessageBytes);
        Assert.Equal(16 * 1024 * 1024, options.MaxFrameBytes);
    }

    [Fact]
    public void Every_option_is_applied()
    {
        string[] args = ["--listen", "127.0.0.1:0", "--data", "/tmp/x", "--fsync", "interval:20", "--max-frame-bytes", "2MiB",
            "--max-message-bytes", "64k", "--segment-bytes", "1m", "--auto-create", "--auto-create-partitions", "3", "--log-level", "warning"];
        Assert.True(ServeCommand.TryParse(args, out var options, out var level, out string? error), error);
        Assert.Equal(0, options.Listen.Port);
        Assert.Equal("/tmp/x", options.DataDirectory);
        Assert.Equal(FsyncMode.Interval, options.Fsync.Mode);
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.Fsync.Interval);
        Assert.Equal(2 * 1024 * 1024, options.MaxFrameBytes);
        Assert.Equal(64 * 1024, options.MaxMessageBytes);
        Assert.Equal(1024 * 1024, options.SegmentBytes);
        Assert.True(options.AutoCreateTopics);
        Assert.Equal(3, options.AutoCreatePartitions);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, level);
    }

    [Theory]
    [InlineData(null, 64L * 1024 * 1024)]
    [InlineData("0", 0L)]
    [InlineData("2MiB", 2L * 1024 * 1024)]
    public void Min_free_disk_defaults_to_64_MiB_and_reaches_the_journal_options(string? value, long expected)
    {
        string[] args = value is null ? [] : ["--min-free-disk", value];
        Assert.True(ServeCommand.TryParse(args, out var options, out _, out string? error), error);
        Assert.Equal(expected, options.MinFreeDiskBytes);
        Assert.Equal(expected, options.JournalOptions.MinFreeDiskBytes);
    }

    [Theory]
    [InlineData("--listen", "nowhere")]
    [InlineData("--listen", "127.0.0.1")]
    [InlineData("--fsync", "sometimes")]
    [InlineData("--fsync", "interval:0")]
    [InlineData("--max-frame-bytes", "12")]
    [InlineData("--max-message-bytes", "-5")]
    [InlineData("--segment-bytes", "1q")]
    [InlineData("--auto-create-partitions", "0")]
    [InlineData("--log-level", "loud")]
    [InlineData("--min-free-disk", "lots")]
    [InlineData("--bogus", "1")]
    public void Bad_values_are_rejected_with_a_message_naming_the_option(string option, string value)
    {
        Assert.False(ServeCommand.TryParse([option, value], out _, out _, out string? error));
        Assert.NotNull(error);
        Assert.Contains(option, error);
    }

    [Fact]
    public void A_message_cap_above_the_frame_cap_is_rejected()
    {
        Assert.False(ServeCommand.TryParse(["--max-frame-bytes", "1MiB", "--max-message-bytes", "2MiB"], out _, out _, out string? error));
        Assert.Contains("--max-message-bytes", error);
    }

    [Fact]
    public void Option_without_value_is_rejected()
    {
        Assert.False(ServeCommand.TryParse(["--data"], out _, out _, out string? error));
        Assert.Contains("--data", error);
    }

    [Fact]
    public void Help_is_not_an_error()
    {
        Assert.False(ServeCommand.TryParse(["--help"], out _, out _, out string? error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("127.0.0.1:7420", 7420)]
    [InlineData("localhost:9000", 9000)]
    [InlineData("[::1]:80", 80)]
    public void Endpoints_parse(string text, int port)
    {
        Assert.True(ServeCommand.TryParseEndpoint(text, out var endpoint));
        Assert.Equal(port, endpoint.Port);
    }
}
