using FastBroker.Load.Cli;

namespace FastBroker.Load.Tests.Cli;

public sealed class LoopbackGuardTests
{
    [Theory]
    [InlineData("127.0.0.1:7420", "127.0.0.1")]
    [InlineData("localhost:6390", "localhost")]
    [InlineData("localhost", "localhost")]
    [InlineData("[::1]:7420", "::1")]
    [InlineData("::1", "::1")]
    [InlineData("127.0.0.1:6390,abortConnect=false", "127.0.0.1")]
    [InlineData("nats://127.0.0.1:4230", "127.0.0.1")]
    [InlineData("nats://[::1]:4230", "::1")]
    [InlineData("amqp://guest:guest@127.0.0.1:5680/", "127.0.0.1")]
    [InlineData("redis.example.com:6379", "redis.example.com")]
    public void The_host_is_found_in_every_endpoint_form(string endpoint, string host)
    {
        Assert.True(LoopbackGuard.TryGetHost(endpoint, out string found));
        Assert.Equal(host, found);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(":7420")]
    [InlineData("nats://")]
    public void No_host_is_not_an_address(string endpoint)
    {
        Assert.False(LoopbackGuard.TryGetHost(endpoint, out _));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.255.254", true)]
    [InlineData("localhost", true)]
    [InlineData("LocalHost", true)]
    [InlineData("::1", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("128.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("::", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("localhost.example.com", false)]
    [InlineData("example.com", false)]
    public void Only_loopback_hosts_pass(string host, bool loopback)
    {
        Assert.Equal(loopback, LoopbackGuard.IsLoopbackHost(host));
    }
}
