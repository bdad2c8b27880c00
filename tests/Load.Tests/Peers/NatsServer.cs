namespace FastBroker.Load.Tests.Peers;

/// <summary>nats-server with JetStream started by load/peers/start.sh for one test class.</summary>
public sealed class NatsServer() : PeerServer("nats")
{
    public override IReadOnlyList<int> Ports => [PortOf("FASTBROKER_NATS_PORT")];
}
