namespace FastBroker.Load.Tests.Peers;

/// <summary>A RabbitMQ node (and its private epmd) started by load/peers/start.sh for one test class.</summary>
public sealed class RabbitMqServer() : PeerServer("rabbitmq")
{
    public override IReadOnlyList<int> Ports =>
        [PortOf("FASTBROKER_RABBITMQ_PORT"), PortOf("FASTBROKER_RABBITMQ_DIST_PORT"), PortOf("FASTBROKER_EPMD_PORT")];
}
