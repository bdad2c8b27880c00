using FastBroker.Server.Positions;
using FastBroker.Server.Topics;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Sessions;

/// <summary>What every session shares: its limits, topics, positions, the clock, and the stop signal.</summary>
internal sealed record BrokerContext(
    SessionLimits Limits,
    TopicRegistry Topics,
    PositionStore Positions,
    TimeProvider Time,
    ILoggerFactory LoggerFactory,
    CancellationToken Stopping);
