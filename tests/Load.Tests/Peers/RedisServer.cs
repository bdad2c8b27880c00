namespace FastBroker.Load.Tests.Peers;

/// <summary>Redis started by load/peers/start.sh for one test class.</summary>
public sealed class RedisServer() : PeerServer("redis")
{
    public override IReadOnlyList<int> Ports => [PortOf("FASTBROKER_REDIS_PORT")];
}
