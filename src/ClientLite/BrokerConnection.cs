using System.Net;
using System.Net.Sockets;
using System.Text;
using FastBroker.ClientLite.Internal;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.ClientLite;

/// <summary>
/// One TCP connection to a broker, with many requests in flight at once, matched to their responses by request
/// id. Thread-safe: every member may be called concurrently. Requests are written by their callers into a shared
/// buffer and sent by one loop that coalesces everything queued into one socket write.
/// </summary>
/// <remarks>
/// A request ends in exactly one way: its response, a <see cref="BrokerException"/> carrying the broker's error,
/// a <see cref="BrokerConnectionException"/> when the connection is lost (the broker may or may not have applied
/// it), a <see cref="TimeoutException"/> after <see cref="BrokerConnectionOptions.RequestTimeout"/>, or an
/// <see cref="OperationCanceledException"/>. A lost connection is not reopened; create a new one.
/// </remarks>
public sealed partial class BrokerConnection : IAsyncDisposable
{
    private const int MaxPooledRequests = 256;

    private readonly Socket _socket;
    private readonly string _endpointText;
    private readonly BrokerConnectionOptions _options;
    private readonly TimeProvider _time;
    private readonly long _timeoutTicks;

    private readonly Lock _pendingLock = new();
    private readonly Dictionary<uint, PendingRequest> _pending = [];
    private readonly Stack<PendingRequest> _pool = new();
    private readonly List<PendingRequest> _expired = [];
    private Exception? _closeReason;
    private uint _nextId;

    private readonly Lock _sendLock = new();
    private readonly AsyncSignal _sendSignal = new();
    private PooledBufferWriter _writeBuffer = new(64 * 1024);
    private PooledBufferWriter _spareBuffer = new(64 * 1024);
    private bool _sendClosed;

    private readonly ITimer _sweepTimer;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _sendLoop = Task.CompletedTask;
    private int _disposed;
    private int _sweeping;

    private BrokerConnection(Socket socket, string endpointText, BrokerConnectionOptions options)
    {
        _socket = socket;
        _endpointText = endpointText;
        _options = options;
        _time = options.TimeProvider;
        _timeoutTicks = ToTimestampTicks(options.RequestTimeout);
        var period = TimeSpan.FromTicks(Math.Clamp(options.RequestTimeout.Ticks / 8, TimeSpan.TicksPerMillisecond * 10, TimeSpan.TicksPerSecond));
        _sweepTimer = _time.CreateTimer(static s => ((BrokerConnection)s!).SweepExpired(), this, period, period);
    }

    /// <summary>The broker's name and version from the handshake.</summary>
    public string ServerName { get; private set; } = "";

    /// <summary>Largest frame body the broker accepts on this connection.</summary>
    public int MaxFrameBytes { get; private set; } = Protocol.DefaultMaxFrameBytes;

    /// <summary>Largest record the broker accepts.</summary>
    public int MaxMessageBytes { get; private set; } = Protocol.DefaultMaxMessageBytes;

    /// <summary>The address this connection was opened to, as given.</summary>
    public string Endpoint => _endpointText;

    /// <summary>False once the connection is lost or disposed; it never becomes true again.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_pendingLock)
                return _closeReason is null;
        }
    }

    internal TimeProvider TimeProvider => _time;

    /// <summary>
    /// True when <paramref name="endpoint"/> is an address <see cref="ConnectAsync"/> accepts: "host", "host:port",
    /// "1.2.3.4:port" or "[::1]:port" (the port defaults to <see cref="Protocol.DefaultPort"/>). Does no lookup.
    /// </summary>
    public static bool IsValidEndpoint(string? endpoint) => BrokerEndpoint.TryParse(endpoint, out _);

    /// <summary>
    /// Connects to <paramref name="endpoint"/> ("host:port"; the port defaults to <see cref="Protocol.DefaultPort"/>)
    /// and performs the handshake. Fails with <see cref="BrokerException"/> when the broker rejects the handshake,
    /// <see cref="BrokerConnectionException"/> when the broker cannot be reached, and
    /// <see cref="TimeoutException"/> when it does not answer within the request timeout.
    /// </summary>
    public static async ValueTask<BrokerConnection> ConnectAsync(string endpoint, BrokerConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= BrokerConnectionOptions.Default;
        var target = BrokerEndpoint.Parse(endpoint);
        var socket = target is IPEndPoint ip
            ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        using (var connectTimeout = new CancellationTokenSource(options.RequestTimeout, options.TimeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connectTimeout.Token))
        {
            try
            {
                await socket.ConnectAsync(target, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (connectTimeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new TimeoutException($"Connecting to {endpoint} took longer than {options.RequestTimeout}.");
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw new BrokerConnectionException($"Cannot connect to {endpoint}: {e.Message}", e);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var connection = new BrokerConnection(socket, endpoint, options);
        connection.Start();
        try
        {
            await connection.HandshakeAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (BrokerConnectionException e) when (e.InnerException is BrokerException rejected)
        {
            // A rejected handshake arrives as a connection-level error; the caller wants the broker's reason.
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new BrokerException(rejected.Code, rejected.Message, e);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Closes the connection. Requests still pending fail with <see cref="BrokerConnectionException"/>.
    /// Safe to call more than once and concurrently with requests.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Shutdown(new ObjectDisposedException(nameof(BrokerConnection), "The connection was disposed."));
        await _sweepTimer.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_receiveLoop, _sendLoop).ConfigureAwait(false);
        await DisposeRequestReplyAsync().ConfigureAwait(false);
        lock (_sendLock)
        {
            _sendClosed = true;
            _writeBuffer.Dispose();
            _spareBuffer.Dispose();
        }
    }

    private void Start()
    {
        _receiveLoop = Task.Run(ReceiveLoopAsync);
        _sendLoop = Task.Run(SendLoopAsync);
    }

    private async ValueTask HandshakeAsync(CancellationToken cancellationToken)
    {
        var pending = BeginRequest(Opcode.Handshake, TimeSpan.Zero, cancellationToken);
        if (pending.Id != 0)
        {
            Span<byte> name = stackalloc byte[Protocol.MaxGroupNameBytes];
            int length = Encoding.UTF8.TryGetBytes(_options.ClientName, name, out int n) ? n : 0;
            lock (_sendLock)
            {
                if (!_sendClosed)
                    FrameWriter.WriteHandshake(_writeBuffer, pending.Id, name[..length]);
            }
            _sendSignal.Set();
        }

        try
        {
            await pending.WaitAsync().ConfigureAwait(false);
            if (!HandshakeResponse.TryParse(pending.BodySpan, out var response))
                throw ProtocolViolation("malformed handshake response");
            if (response.Version != Protocol.Version)
                throw new BrokerException(ErrorCode.UnsupportedVersion, $"The broker speaks protocol version {response.Version}, not {Protocol.Version}.");
            ServerName = Encoding.UTF8.GetString(response.ServerName);
            MaxFrameBytes = response.MaxFrameBytes;
            MaxMessageBytes = response.MaxMessageBytes;
        }
        finally
        {
            Release(pending);
        }
    }

    /// <summary>
    /// Registers a request before its frame is written, so its response cannot arrive unmatched. When the
    /// connection is already closed the request comes back completed with the reason and an id of 0.
    /// </summary>
    internal PendingRequest BeginRequest(Opcode opcode, TimeSpan extraTimeout, CancellationToken cancellationToken, PushSubscription? push = null)
    {
        PendingRequest pending;
        Exception? closed;
        lock (_pendingLock)
        {
            pending = _pool.Count > 0 ? _pool.Pop() : new PendingRequest(this);
            pending.Opcode = opcode;
            pending.Deadline = _time.GetTimestamp() + _timeoutTicks + ToTimestampTicks(extraTimeout);
            closed = _closeReason;
            if (closed is null)
            {
                uint id = ++_nextId;
                // 0 means "about the whole connection"; a live push id keeps its number for as long as it lives.
                while (id == 0 || (_pushes.Count > 0 && _pushes.ContainsKey(id)))
                    id = ++_nextId;
                pending.Id = id;
                _pending.Add(id, pending);
                if (push is not null)
                {
                    // Registered before the Subscribe frame is written, so no Deliver frame can arrive unrouted.
                    push.PushId = id;
                    _pushes.Add(id, push);
                }
            }
        }

        if (closed is not null)
        {
            pending.SetError(ConnectionLost(closed));
            return pending;
        }
        if (cancellationToken.CanBeCanceled)
        {
            pending.Registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((PendingRequest)state!).Owner.Cancel((PendingRequest)state, token), pending);
        }
        return pending;
    }

    /// <summary>Returns a completed request (and its body, unless taken) to the pool.</summary>
    internal void Release(PendingRequest pending)
    {
        // Disposing the registration waits for a running cancellation callback, so the object is not reused under it.
        pending.Registration.Dispose();
        pending.Reset();
        lock (_pendingLock)
        {
            if (_pool.Count < MaxPooledRequests)
                _pool.Push(pending);
        }
    }

    internal void Cancel(PendingRequest pending, CancellationToken token)
    {
        if (TryRemove(pending))
            pending.SetError(new OperationCanceledException("The request was canceled.", token));
    }

    private bool TryRemove(PendingRequest pending)
    {
        lock (_pendingLock)
        {
            if (pending.Id == 0 || !_pending.TryGetValue(pending.Id, out var current) || current != pending)
                return false;
            _pending.Remove(pending.Id);
            return true;
        }
    }

    private void SweepExpired()
    {
        // Timer callbacks may overlap when one runs long; one sweep at a time owns _expired.
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
            return;
        long now = _time.GetTimestamp();
        lock (_pendingLock)
        {
            foreach (var (id, pending) in _pending)
            {
                if (pending.Deadline <= now)
                    _expired.Add(pending);
            }
            foreach (var pending in _expired)
                _pending.Remove(pending.Id);
        }
        foreach (var pending in _expired)
            pending.SetError(new TimeoutException($"No response to {pending.Opcode} from {_endpointText} within {_options.RequestTimeout}."));
        _expired.Clear();
        Volatile.Write(ref _sweeping, 0);
    }

    /// <summary>Closes the connection once, for <paramref name="reason"/>, and fails every pending request and push subscription.</summary>
    private void Shutdown(Exception reason)
    {
        List<PendingRequest> failed;
        List<PushSubscription>? pushes = null;
        lock (_pendingLock)
        {
            if (_closeReason is not null)
                return;
            _closeReason = reason;
            failed = new List<PendingRequest>(_pending.Values);
            _pending.Clear();
            if (_pushes.Count > 0)
            {
                pushes = new List<PushSubscription>(_pushes.Values);
                _pushes.Clear();
            }
        }

        foreach (var pending in failed)
            pending.SetError(ConnectionLost(reason));
        if (pushes is not null)
        {
            foreach (var push in pushes)
                push.End(ConnectionLost(reason));
        }
        _sendSignal.Set();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: closing is all that is left to do.
        }
        _socket.Dispose();
    }

    private BrokerConnectionException ConnectionLost(Exception reason) => reason switch
    {
        BrokerConnectionException lost => new BrokerConnectionException(lost.Message, lost.InnerException ?? lost),
        BrokerException broker => new BrokerConnectionException($"The broker closed the connection to {_endpointText}: {broker.Message}", broker),
        ObjectDisposedException => new BrokerConnectionException($"The connection to {_endpointText} was closed.", reason),
        _ => new BrokerConnectionException($"The connection to {_endpointText} was lost: {reason.Message}", reason),
    };

    /// <summary>
    /// Closes the connection because a response broke the protocol where only its reader could tell (a delivery
    /// whose messages cannot be identified): the broker then releases whatever was in flight to it.
    /// </summary>
    internal BrokerConnectionException CloseForViolation(string what)
    {
        var violation = ProtocolViolation(what);
        Shutdown(violation);
        return violation;
    }

    internal BrokerConnectionException ProtocolViolation(string what)
        => new($"Protocol violation from {_endpointText}: {what}.");

    private long ToTimestampTicks(TimeSpan span)
        => span <= TimeSpan.Zero ? 0 : (long)Math.Min(span.TotalSeconds * _time.TimestampFrequency, long.MaxValue / 4);
}
