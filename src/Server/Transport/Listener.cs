using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FastBroker.Server.Sessions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Transport;

/// <summary>
/// Accepts TCP connections and runs each until it ends; tracks them so shutdown can drain and close them all.
/// The accept loop outlives every accept error: it logs (rate-limited), backs off, and at the descriptor limit
/// refuses waiting clients with <c>ConnectionLimit</c> through a reserved descriptor.
/// </summary>
internal sealed class Listener : IAsyncDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RefusalLinger = TimeSpan.FromSeconds(1);

    private readonly Socket _socket;
    private readonly BrokerContext _broker;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, (Connection Connection, Task Running)> _connections = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly ReserveDescriptor _reserve = new();
    private readonly RateLimitedLog _acceptErrors;
    private readonly RateLimitedLog _refusals;
    private readonly ITimer _sweeper;
    private readonly int _descriptorCap;
    private Task _accepting = Task.CompletedTask;
    private long _nextId;
    private int _sweeping;

    public Listener(IPEndPoint endpoint, BrokerContext broker)
    {
        _broker = broker;
        _logger = broker.LoggerFactory.CreateLogger("FastBroker.Transport");
        _socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        AllowFastRestart(_socket);
        _socket.Bind(endpoint);
        _socket.Listen(512);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _acceptErrors = new RateLimitedLog(broker.Time, LogInterval);
        _refusals = new RateLimitedLog(broker.Time, LogInterval);
        var options = broker.Limits;
        var sweep = TimeSpan.FromTicks(Math.Min(options.HandshakeTimeout.Ticks, options.FrameTimeout.Ticks) / 4);
        sweep = TimeSpan.FromTicks(Math.Clamp(sweep.Ticks, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _sweeper = broker.Time.CreateTimer(_ => Sweep(), null, Timeout.InfiniteTimeSpan, sweep);
        _sweeper.Change(sweep, sweep);
        _descriptorCap = DescriptorLimit.ConnectionsThatFit();
    }

    /// <summary>The bound endpoint (the real port when asked for port 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    public int ConnectionCount => _connections.Count;

    // .NET's ReuseAddress sets SO_REUSEPORT as well on Linux, which lets a second broker bind the same port and
    // take half the clients. Plain SO_REUSEADDR keeps what matters: rebinding at once after a crash, past
    // TIME_WAIT, while a live listener still makes bind fail with "address already in use".
    private static void AllowFastRestart(Socket socket)
    {
        if (!OperatingSystem.IsLinux()) return;
        const int SolSocket = 1;
        const int SoReuseAddr = 2;
        Span<byte> on = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(on, 1);
        socket.SetRawSocketOption(SolSocket, SoReuseAddr, on);
    }

    public void Start()
    {
        TransportLog.Listening(_logger, LocalEndPoint.ToString());
        if (_descriptorCap < _broker.Limits.MaxConnections)
            TransportLog.DescriptorCap(_logger, _descriptorCap, DescriptorLimit.SoftLimit() ?? 0, _broker.Limits.MaxConnections);
        _accepting = AcceptLoopAsync();
    }

    private async Task AcceptLoopAsync()
    {
        var stop = _stopAccepting.Token;
        var backoff = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _socket.AcceptAsync(stop).ConfigureAwait(false);
                backoff = TimeSpan.Zero;
            }
            catch (Exception ex) when (stop.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException ex)
            {
                NoteAcceptError(ex);
                if (IsOutOfDescriptors(ex) && _reserve.IsHeld)
                {
                    await RefuseWithReserveAsync().ConfigureAwait(false);
                    continue;
                }
                backoff = backoff == TimeSpan.Zero ? FirstBackoff : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                try
                {
                    await Task.Delay(backoff, _broker.Time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _reserve.TryReopen();
                continue;
            }

            if (_connections.Count >= _broker.Limits.MaxConnections || _connections.Count >= _descriptorCap)
            {
                RefuseAtCap(socket);
                continue;
            }

            long id = Interlocked.Increment(ref _nextId);
            TransportLog.ConnectionAccepted(_logger, id, socket.RemoteEndPoint?.ToString() ?? "?");
            var options = _broker.Limits;
            var deadlines = new ConnectionDeadlines(_broker.Time, options.HandshakeTimeout, options.FrameTimeout);
            var connection = new Connection(new SocketChannel(socket), new Session(_broker, id), options.MaxFrameBytes, deadlines, _broker.Time, _logger);
            _connections[id] = (connection, RunAsync(connection));
        }
    }

    private void RefuseAtCap(Socket socket)
    {
        int max = _broker.Limits.MaxConnections;
        bool byDescriptors = _descriptorCap < max;
        int cap = Math.Min(max, _descriptorCap);
        if (_refusals.TryTake(out int suppressed))
            TransportLog.ConnectionRefused(_logger, socket.RemoteEndPoint?.ToString() ?? "?", cap,
                byDescriptors ? "the open-file limit" : "--max-connections", suppressed);
        _ = RefuseAsync(socket, byDescriptors
            ? $"the broker is out of file descriptors for more connections ({cap} open under an open-file limit of {DescriptorLimit.SoftLimit()}); try again later"
            : $"the broker is at its limit of {cap} connections; try again later");
    }

    private static bool IsOutOfDescriptors(SocketException ex)
        => ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable;

    private void NoteAcceptError(SocketException ex)
    {
        if (_acceptErrors.TryTake(out int suppressed))
            TransportLog.AcceptFailed(_logger, ex.SocketErrorCode, ex.Message, suppressed);
    }

    // At the descriptor limit: give up the reserve, take the client waiting longest, tell it why, take the reserve
    // back. Poll first so that a client that gave up already does not leave the loop blocked without its reserve.
    // Refusals at the limit go one at a time: there is one spare descriptor.
    private async Task RefuseWithReserveAsync()
    {
        _reserve.Release();
        try
        {
            if (_socket.Poll(0, SelectMode.SelectRead))
                await RefuseAsync(_socket.Accept(), "the broker is out of file descriptors; try again later").ConfigureAwait(false);
        }
        catch (SocketException)
        {
            // Still no descriptor, or the client left: the backoff path takes over if it persists.
        }
        finally
        {
            _reserve.TryReopen();
        }
    }

    // Error ConnectionLimit on request id 0, then close. Closing while the client's handshake is unread (or still
    // arriving) would reset the connection and could destroy the error before the client reads it, so the socket
    // stays open, discarding input, until the client closes (it does once it has read the error) or a second passes.
    private async Task RefuseAsync(Socket socket, string message)
    {
        try
        {
            var frame = new ArrayBufferWriter<byte>(256);
            FrameWriter.WriteError(frame, 0, ErrorCode.ConnectionLimit, message);
            await socket.SendAsync(frame.WrittenMemory, SocketFlags.None).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
            using var linger = new CancellationTokenSource(RefusalLinger, _broker.Time);
            var discard = new byte[256];
            while (await socket.ReceiveAsync(discard, SocketFlags.None, linger.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // The client left already, or lingered past the bound; either way the refusal is done.
        }
        finally
        {
            socket.Dispose();
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

    private void Sweep()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0) return;
        try
        {
            foreach (var (connection, _) in _connections.Values)
            {
                try
                {
                    connection.CheckDeadlines();
                }
                catch (Exception ex)
                {
                    // A timer callback that throws would take the process down; one connection's fault must not.
                    TransportLog.ConnectionFaulted(_logger, connection.Id, ex);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>Shutdown, step one: no new connections.</summary>
    public async Task StopAcceptingAsync()
    {
        _stopAccepting.Cancel();
        _socket.Dispose();
        await _accepting.ConfigureAwait(false);
    }

    /// <summary>Shutdown, step two: every connection stops executing new frames (they are answered ShuttingDown).</summary>
    public void BeginDrain()
    {
        foreach (var (connection, _) in _connections.Values) connection.BeginDrain();
    }

    /// <summary>Shutdown, step three: wait (at most <paramref name="grace"/>) until every request read has its answer
    /// queued, let each connection flush its answers and close, then close whatever is left.</summary>
    public async Task FinishDrainAsync(TimeSpan grace)
    {
        var draining = new List<Task>();
        var running = new List<Task>();
        foreach (var (connection, task) in _connections.Values)
        {
            draining.Add(connection.FinishDrainAsync(grace));
            running.Add(task);
        }
        await Task.WhenAll(draining).ConfigureAwait(false);
        // A client that does not read its answers must not hold the broker up: one more grace, then close.
        await Task.WhenAny(Task.WhenAll(running), Task.Delay(grace, _broker.Time)).ConfigureAwait(false);
    }

    /// <summary>Stops accepting and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stopAccepting.IsCancellationRequested) await StopAcceptingAsync().ConfigureAwait(false);
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        var running = new List<Task>();
        foreach (var (connection, task) in _connections.Values)
        {
            connection.Shutdown("broker stopping");
            running.Add(task);
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        _reserve.Dispose();
        _stopAccepting.Dispose();
    }
}
