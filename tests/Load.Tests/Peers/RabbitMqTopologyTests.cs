using FastBroker.Load.Targets;
using FastBroker.Wire.Filters;

namespace FastBroker.Load.Tests.Peers;

/// <summary>What the RabbitMQ target declares and publishes to, checked without a server.</summary>
public sealed class RabbitMqTopologyTests
{
    [Fact]
    public void Partitioned_is_one_queue_per_partition_published_to_through_the_default_exchange()
    {
        var topology = RabbitMqTopology.Partitioned("load", 3);

        Assert.False(topology.IsRouted);
        Assert.Equal("", topology.Exchange);
        Assert.Equal(["load.0", "load.1", "load.2"], topology.Queues);
        Assert.Empty(topology.BindingKeys);
        Assert.Equal(topology.Queues, topology.RoutingKeys);
    }

    [Fact]
    public void Routed_is_a_topic_exchange_bound_to_one_queue_per_route()
    {
        var topology = RabbitMqTopology.Routed("load", 3);

        Assert.True(topology.IsRouted);
        Assert.Equal("load.x", topology.Exchange);
        Assert.Equal(["load.r0", "load.r1", "load.r2"], topology.Queues);
        Assert.Equal(["r0.#", "r1.#", "r2.#"], topology.BindingKeys);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void Every_routing_key_a_publisher_uses_reaches_exactly_the_queue_of_its_route(int routes)
    {
        // RoutingPattern follows the topic-exchange rules (* one word, # zero or more), so it stands in for the broker.
        var topology = RabbitMqTopology.Routed("t", routes);
        var bindings = topology.BindingKeys.Select(RoutingPattern.Parse).ToArray();

        Assert.Equal(routes * RouteKeys.WordsPerRoute, topology.RoutingKeys.Count);
        for (int i = 0; i < topology.RoutingKeys.Count; i++)
        {
            string key = topology.RoutingKeys[i];
            var reached = Enumerable.Range(0, routes).Where(q => bindings[q].Matches(key)).ToArray();
            // Message i of a publisher takes key i of the cycle, so its queue must be that of route i % routes.
            Assert.Equal([i % routes], reached);
            Assert.Equal($"t.r{i % routes}", topology.Queues[reached[0]]);
        }
    }

    [Fact]
    public async Task A_routed_target_says_so_in_its_durability()
    {
        await using var routed = PeerTargets.Create("rabbitmq", new TargetEndpoints(), routes: 10)!;
        await using var plain = PeerTargets.Create("rabbitmq", new TargetEndpoints())!;

        Assert.Contains("topic exchange bound to 10 quorum queues", routed.Durability, StringComparison.Ordinal);
        Assert.Contains("publisher confirms", routed.Durability, StringComparison.Ordinal);
        Assert.DoesNotContain("topic exchange", plain.Durability, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("nats")]
    public void Peers_without_a_routed_mode_refuse_routes(string name)
    {
        var failure = Assert.Throws<ArgumentException>(() => PeerTargets.Create(name, new TargetEndpoints(), routes: 2));
        Assert.Contains("no routed mode", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Routes_above_the_maximum_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RabbitMqTarget(new TargetEndpoints(), RouteKeys.MaxRoutes + 1));
    }
}
