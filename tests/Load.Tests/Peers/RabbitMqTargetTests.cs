namespace FastBroker.Load.Tests.Peers;

[Trait("Category", "Peers")]
public sealed class RabbitMqTargetTests(RabbitMqServer server) : PeerTargetTests<RabbitMqServer>(server), IClassFixture<RabbitMqServer>
{
    protected override string VersionPrefix => "RabbitMQ 3.";

    protected override string DurabilityKeyword => "quorum queues";
}
