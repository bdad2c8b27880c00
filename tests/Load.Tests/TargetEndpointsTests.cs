using FastBroker.Load.Targets;

namespace FastBroker.Load.Tests;

public sealed class TargetEndpointsTests
{
    [Fact]
    public void Every_default_endpoint_is_loopback()
    {
        var endpoints = new TargetEndpoints();
        Assert.StartsWith("127.0.0.1:", endpoints.FastBroker);
        Assert.Contains("127.0.0.1:", endpoints.Redis);
        Assert.Contains("@127.0.0.1:", endpoints.RabbitMq);
        Assert.Contains("//127.0.0.1:", endpoints.Nats);
    }
}
