using System.Net;
using FastBroker.Server.Positions;
using FastBroker.Server.Sessions;
using FastBroker.Server.Topics;
using FastBroker.Server.Transport;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Hosting;

/// <summary>
/// A running broker: storage recovered, listener accepting. Disposing stops it in the safe order — no new
/// connections, close the open ones, let every partition write and sync what it has queued, close the stores.
/// </summary>
internal sealed class BrokerHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping;
    private readonly TopicRegistry _topics;
    private readonly PositionStore _positions;
    private readonly Listener _listener;
    private readonly FileStream _dataLock;
    private int _disposed;

    private BrokerHost(CancellationTokenSource stopping, TopicRegistry topics, PositionStore positions, Listener listener, FileStream dataLock)
    {
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
        var topics = TopicRegistry.Open(options.DataDirectory, options.JournalOptions, logger, time,
            new Subscriptions.QueueLimits(options.MaxFrameBytes, options.MaxMessageBytes, options.AckLogCompactBytes));
        var positions = PositionStore.Open(options.DataDirectory, options.Fsync, logger);
        var context = new BrokerContext(options, topics, positions, time, loggerFactory, stopping.Token);
        var listener = new Listener(options.Listen, context);
        listener.Start();
        return new BrokerHost(stopping, topics, positions, listener, dataLock);
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
        _stopping.Cancel();
        await _listener.DisposeAsync().ConfigureAwait(false);
        await _topics.DisposeAsync().ConfigureAwait(false);
        _positions.Dispose();
        _dataLock.Dispose();
        _stopping.Dispose();
    }
}
