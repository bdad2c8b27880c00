namespace FastBroker.Load.Tests.Peers;

[Trait("Category", "Peers")]
public sealed class NatsJetStreamTargetTests(NatsServer server) : PeerTargetTests<NatsServer>(server), IClassFixture<NatsServer>
{
    protected override string VersionPrefix => "NATS 2.";

    protected override string DurabilityKeyword => "not after fsync";
}
