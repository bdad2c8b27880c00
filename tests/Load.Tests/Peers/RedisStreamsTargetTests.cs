namespace FastBroker.Load.Tests.Peers;

[Trait("Category", "Peers")]
public sealed class RedisStreamsTargetTests(RedisServer server) : PeerTargetTests<RedisServer>(server), IClassFixture<RedisServer>
{
    protected override string VersionPrefix => "Redis 7.";

    protected override string DurabilityKeyword => "appendfsync always";
}
