using FastBroker.Load.Targets;

namespace FastBroker.Load.Tests.Peers;

public sealed class PeerTargetsTests
{
    [Fact]
    public void Names_are_redis_nats_and_rabbitmq()
    {
        Assert.Equal(["redis", "nats", "rabbitmq"], PeerTargets.Names);
    }

    [Theory]
    [InlineData("redis", "appendfsync always")]
    [InlineData("nats", "not after fsync")]
    [InlineData("rabbitmq", "publisher confirms")]
    public async Task Create_returns_the_named_target_with_its_durability_stated(string name, string durability)
    {
        await using var target = PeerTargets.Create(name, new TargetEndpoints());

        Assert.NotNull(target);
        Assert.Equal(name, target.Name);
        Assert.Contains(durability, target.Durability, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fastbroker")]
    [InlineData("kafka")]
    [InlineData("Redis")]
    [InlineData("")]
    public void Create_returns_null_for_a_name_that_is_not_a_peer(string name)
    {
        Assert.Null(PeerTargets.Create(name, new TargetEndpoints()));
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("nats")]
    [InlineData("rabbitmq")]
    public void Create_refuses_an_endpoint_that_is_not_loopback(string name)
    {
        var remote = new TargetEndpoints
        {
            Redis = "10.1.2.3:6390",
            Nats = "nats://10.1.2.3:4230",
            RabbitMq = "amqp://guest:guest@10.1.2.3:5680/",
        };

        Assert.Throws<ArgumentException>(() => PeerTargets.Create(name, remote));
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("nats")]
    [InlineData("rabbitmq")]
    public async Task Creating_clients_before_prepare_is_refused(string name)
    {
        await using var target = PeerTargets.Create(name, new TargetEndpoints())!;

        await Assert.ThrowsAsync<InvalidOperationException>(() => target.CreatePublisherAsync(CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => target.CreateConsumerAsync("group", CancellationToken.None));
    }
}
