using System.Net;
using FastBroker.Server.Positions;
using FastBroker.Server.Sessions;
using FastBroker.Server.Subscriptions;
using FastBroker.Server.Topics;
using FastBroker.Server.Transport;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Hosting;

/// <summary>
/// A running broker: storage recovered, listener accepting. Disposing stops it in the safe order (OPERATIONS.md
/// "Shutdown"): no new connections; no new requests executed; every request already read answered (publishes
/// after their fsync); waiting long polls answered ShuttingDown; connections closed; then the stores.
/// </summary>
internal sealed class BrokerHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping;
    private readonly TopicRegistry _topics;
    private readonly PositionStore _positions;
    private readonly Listener _listener;
    private readonly FileStream _dataLock;
    private readonly TimeSpan _shutdownGrace;
    private int _disposed;

    private BrokerHost(CancellationTokenSource stopping, TopicRegistry topics, PositionStore positions, Listener listener, FileStream dataLock,
        TimeSpan shutdownGrace)
    {
        _shutdownGrace = shutdownGrace;
        _stopping = stopping;
        _topics = topics;
        _positions = positions;
        _listener = listener;
        _dataLock = dataLock;
    }

    public IPEndPoint Endpoint => _listener.LocalEndPoint;

    public static BrokerHost Start(ServerOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var dataLock = LockDataDirectory(options.DataDirectory);
        var logger = loggerFactory.CreateLogger("FastBroker.Storage");
        var stopping = new CancellationTokenSource();
        // Every topic's partitions first, then the subscriptions over them: the topics know nothing of the
        // subscriptions, which find their dead-letter topics loaded already.
        var topics = TopicRegistry.Open(options.DataDirectory, options.JournalOptions, logger, time, options.RetentionDefaults);
        SubscriptionRegistry subscriptions;
        try
        {
            subscriptions = SubscriptionRegistry.Open(topics, options.Fsync,
                new QueueLimits(options.MaxFrameBytes, options.MaxMessageBytes, options.AckLogCompactBytes) { MaxDelaysInMemory = options.MaxDelaysInMemory }, time, logger);
        }
        catch
        {
            // A subscription that cannot be opened stops the start: close what did open, partitions included.
            topics.DisposeAsync().AsTask().GetAwaiter().GetResult();
            dataLock.Dispose();
            stopping.Dispose();
            throw;
        }
        // Deleting a topic drops the positions on it; for temporary topics of the previous run, and for a topic whose
        // deletion a crash interrupted before its positions went, that happens here.
        var positions = PositionStore.Open(options.DataDirectory, options.Fsync, logger, time: null, topics.HoldsTopic);
        var context = new BrokerContext(options.Sessions, topics, subscriptions, positions, time, loggerFactory, stopping.Token);
        Listener listener;
        try
        {
            listener = new Listener(options.Listen, context);
        }
        catch
        {
            // Address in use, most likely: leave nothing open behind the error.
            topics.DisposeAsync().AsTask().GetAwaiter().GetResult();
            positions.Dispose();
            dataLock.Dispose();
            stopping.Dispose();
            throw;
        }
        listener.Start();
        return new BrokerHost(stopping, topics, positions, listener, dataLock, options.ShutdownGrace);
    }

    // Two brokers on one data directory would interleave writes to the same journals.
    private static FileStream LockDataDirectory(string directory)
    {
        string path = Path.Combine(directory, ".lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"data directory '{directory}' is in use by another broker ({ex.Message})", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _listener.StopAcceptingAsync().ConfigureAwait(false);
        _listener.BeginDrain();
        // Long polls and push subscriptions wake on this and answer ShuttingDown; the partitions keep writing.
        _stopping.Cancel();
        await _listener.FinishDrainAsync(_shutdownGrace).ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _topics.DisposeAsync().ConfigureAwait(false);
        await _positions.DisposeAsync().ConfigureAwait(false);
        _dataLock.Dispose();
        _stopping.Dispose();
    }
}
