using FastBroker.Server.Hosting;
using FastBroker.Server.Positions;
using FastBroker.Server.Sessions;
using FastBroker.Server.Tests.Subscriptions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastBroker.Server.Tests.Sessions;

/// <summary>What sessions share (<see cref="BrokerContext"/>) built over a <see cref="QueueBroker"/>: its registry and
/// fake clock, a position store in its directory, and the limits of the options given (the defaults if none).</summary>
internal sealed class SessionContext : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly PositionStore _positions;

    public SessionContext(QueueBroker broker, ServerOptions? options = null)
    {
        Options = (options ?? new ServerOptions()) with { DataDirectory = broker.Root };
        _positions = PositionStore.Open(broker.Root, Options.Fsync, NullLogger.Instance);
        Context = new BrokerContext(Options.Sessions, broker.Registry, broker.Subscriptions, _positions, broker.Time, NullLoggerFactory.Instance, _stopping.Token);
    }

    public ServerOptions Options { get; }

    public BrokerContext Context { get; }

    public void Dispose()
    {
        _positions.Dispose();
        _stopping.Dispose();
    }
}
