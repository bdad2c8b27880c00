using FastBroker.Server.Positions;
using FastBroker.Server.Subscriptions;
using FastBroker.Server.Topics;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Sessions;

/// <summary>What every session shares: its limits, topics and their subscriptions, positions, the group
/// coordinator, the clock, and the stop signal.</summary>
internal sealed record BrokerContext(
    SessionLimits Limits,
    TopicRegistry Topics,
    SubscriptionRegistry Subscriptions,
    PositionStore Positions,
    TimeProvider Time,
    ILoggerFactory LoggerFactory,
    CancellationToken Stopping)
{
    /// <summary>The consumer-group coordinator: members in memory, on the broker's clock, stopped with the broker.</summary>
    public Groups.GroupCoordinator Groups { get; init; } = new(Time, Stopping);
}
