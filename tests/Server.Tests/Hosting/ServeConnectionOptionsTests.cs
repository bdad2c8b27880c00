using FastBroker.Server.Hosting;

namespace FastBroker.Server.Tests.Hosting;

public sealed class ServeConnectionOptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        Assert.True(ServeCommand.TryParse([], out var options, out _, out _));
        Assert.Equal(10_000, options.MaxConnections);
        Assert.Equal(4L * 1024 * 1024, options.MaxOutputBytesPerConnection);
        Assert.Equal(TimeSpan.FromSeconds(10), options.HandshakeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.FrameTimeout);
    }

    [Fact]
    public void Connection_options_are_applied()
    {
        string[] args = ["--max-connections", "500", "--max-output-bytes", "256k", "--handshake-timeout", "1500ms", "--frame-timeout", "2m"];
        Assert.True(ServeCommand.TryParse(args, out var options, out _, out string? error), error);
        Assert.Equal(500, options.MaxConnections);
        Assert.Equal(256 * 1024, options.MaxOutputBytesPerConnection);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.HandshakeTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), options.FrameTimeout);
    }

    [Theory]
    [InlineData("--max-connections", "0")]
    [InlineData("--max-connections", "many")]
    [InlineData("--max-output-bytes", "1k")]
    [InlineData("--handshake-timeout", "10")]
    [InlineData("--frame-timeout", "-1s")]
    public void Bad_values_are_refused_with_the_option_named(string option, string value)
    {
        Assert.False(ServeCommand.TryParse([option, value], out _, out _, out string? error));
        Assert.StartsWith(option, error);
    }
}
