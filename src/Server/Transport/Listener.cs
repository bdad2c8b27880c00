using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FastBroker.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Transport;

/// <summary>Accepts TCP connections and runs each until it ends; tracks them so shutdown can close them all.</summary>
internal sealed class Listener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly BrokerContext _broker;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, (Connection Connection, Task Running)> _connections = new();
    private Task _accepting = Task.CompletedTask;
    private long _nextId;

    public Listener(IPEndPoint endpoint, BrokerContext broker)
    {
        _broker = broker;
        _logger = broker.LoggerFactory.CreateLogger("FastBroker.Transport");
        _socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(endpoint);
        _socket.Listen(512);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    /// <summary>The bound endpoint (the real port when asked for port 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    public void Start()
    {
        TransportLog.Listening(_logger, LocalEndPoint.ToString());
        _accepting = AcceptLoopAsync();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _socket.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            string remote = socket.RemoteEndPoint?.ToString() ?? "?";
            if (_connections.Count >= _broker.Options.MaxConnections)
            {
                TransportLog.ConnectionRefused(_logger, remote, _broker.Options.MaxConnections);
                socket.Dispose();
                continue;
            }

            long id = Interlocked.Increment(ref _nextId);
            TransportLog.ConnectionAccepted(_logger, id, remote);
            var connection = new Connection(socket, new Session(_broker, id), _broker.Options.MaxFrameBytes, _logger);
            _connections[id] = (connection, RunAsync(connection));
        }
    }

    private async Task RunAsync(Connection connection)
    {
        await Task.Yield();
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // One connection's fault must never take the broker (or its shutdown) down with it.
            TransportLog.ConnectionFaulted(_logger, connection.Id, ex);
        }
        finally
        {
            _connections.TryRemove(connection.Id, out _);
        }
    }

    /// <summary>Stops accepting and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _accepting.ConfigureAwait(false);
        var running = new List<Task>();
        foreach (var (connection, task) in _connections.Values)
        {
            connection.Shutdown("broker stopping");
            running.Add(task);
        }
        await Task.WhenAll(running).ConfigureAwait(false);
    }
}
