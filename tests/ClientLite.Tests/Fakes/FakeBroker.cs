using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.ClientLite.Tests.Fakes;

/// <summary>
/// An in-process broker on 127.0.0.1:0 that speaks the wire protocol over in-memory topics, for testing the
/// client without the real server. <see cref="Intercept"/> injects faults per request: an error answer, a
/// dropped connection, or a response held back until a gate opens (which also reorders responses).
/// </summary>
internal sealed class FakeBroker : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private readonly ConcurrentDictionary<int, FakeClient> _clients = new();
    private readonly FakeStore _store;
    private int _connections;

    public FakeBroker(TimeProvider? time = null)
    {
        _store = new FakeStore(time ?? TimeProvider.System);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Endpoint = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public string Endpoint { get; }

    public FakeStore Store => _store;

    /// <summary>When set, every handshake is answered with this error (request id 0) and the connection closed.</summary>
    public ErrorCode? RejectHandshake { get; set; }

    /// <summary>Consulted for every request after the handshake; null or a default reply means "answer normally".</summary>
    public Func<FakeRequest, FakeReply?>? Intercept { get; set; }

    /// <summary>Every request after the handshake, in arrival order.</summary>
    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>Connections accepted so far.</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    public int Count(Opcode opcode)
    {
        int n = 0;
        foreach (var request in Requests)
        {
            if (request.Opcode == opcode)
                n++;
        }
        return n;
    }

    /// <summary>Sends every push delivery the subscriptions' state and credit allow now (done after every request too).</summary>
    public void Pump()
    {
        foreach (var (connection, frame) in _store.Pump())
        {
            if (_clients.TryGetValue(connection, out var client))
                client.Send(frame);
        }
    }

    /// <summary>Sends <paramref name="frame"/> to connection <paramref name="connection"/> as if the broker had.</summary>
    public void SendTo(int connection, byte[] frame)
    {
        if (_clients.TryGetValue(connection, out var client))
            client.Send(frame);
    }

    /// <summary>Closes every open connection, as a broker crash would.</summary>
    public void DropConnections()
    {
        foreach (var client in _clients.Values)
            client.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        DropConnections();
        await _acceptLoop;
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            int number = Interlocked.Increment(ref _connections);
            var client = new FakeClient(number, socket);
            _clients[number] = client;
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(FakeClient client)
    {
        await using var stream = new NetworkStream(client.Socket, ownsSocket: false);
        var reader = PipeReader.Create(stream);
        try
        {
            bool open = true;
            while (open)
            {
                var result = await reader.ReadAsync(_stopping.Token);
                var buffer = result.Buffer;
                while (open && FrameParser.TryReadFrame(ref buffer, 64 * 1024 * 1024, out var header, out var body) == FrameStatus.Complete)
                    open = Handle(client, header, body.ToArray());
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                    break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or the test dropped it: nothing to answer.
        }
        finally
        {
            await reader.CompleteAsync();
            client.Close();
            _clients.TryRemove(client.Number, out _);
            _store.ConnectionClosed(client.Number);
            Pump();
        }
    }

    /// <summary>Answers one frame; false when the connection must close.</summary>
    private bool Handle(FakeClient client, FrameHeader header, byte[] body)
    {
        if (!client.Handshaken)
        {
            if (header.Opcode != Opcode.Handshake || !HandshakeRequest.TryParse(body, out var hello))
                return client.SendAndClose(Frames.Error(0, ErrorCode.HandshakeRequired, "handshake first"));
            if (RejectHandshake is { } code)
                return client.SendAndClose(Frames.Error(0, code, "handshake rejected by the test"));
            if (hello.Magic != Protocol.Magic)
                return client.SendAndClose(Frames.Error(0, ErrorCode.BadMagic, "bad magic"));
            client.Handshaken = true;
            client.Send(Frames.Encode(w => FrameWriter.WriteHandshakeResponse(w, header.RequestId, _store.MaxFrameBytes, _store.MaxMessageBytes, "fake-broker"u8)));
            return true;
        }

        var request = FakeRequest.Describe(client.Number, header, body);
        Requests.Enqueue(request);
        var reply = Intercept?.Invoke(request);
        if (reply?.ConnectionError is { } fatal)
            return client.SendAndClose(Frames.Error(0, fatal, reply.Message));
        if (reply is { Drop: true })
        {
            client.Close();
            return false;
        }
        if (reply?.Error is { } error)
        {
            client.Send(Frames.Error(header.RequestId, error, reply.Message));
            return true;
        }
        if (reply?.Respond is { } respond)
        {
            client.Send(respond(header.RequestId));
            return true;
        }

        // The effect happens now, in arrival order; only the answer may be held back.
        var response = _store.Process(client.Number, header, body);
        if (reply is { DropAfterApplying: true })
        {
            client.Close();
            return false;
        }
        if (reply?.Gate is null && response.IsCompleted)
            client.Send(response.Result);
        else
            _ = SendLaterAsync(client, reply?.Gate, response);
        Pump();
        return true;
    }

    private static async Task SendLaterAsync(FakeClient client, Task? gate, Task<byte[]> response)
    {
        if (gate is not null)
            await gate;
        client.Send(await response);
    }

    private sealed class FakeClient(int number, Socket socket)
    {
        private readonly Lock _writeLock = new();

        public int Number { get; } = number;

        public Socket Socket { get; } = socket;

        public bool Handshaken { get; set; }

        public void Send(byte[] frame)
        {
            lock (_writeLock)
            {
                try
                {
                    Socket.Send(frame);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // Dropped by the test while an answer was pending.
                }
            }
        }

        public bool SendAndClose(byte[] frame)
        {
            Send(frame);
            Close();
            return false;
        }

        public void Close()
        {
            try
            {
                Socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }
            Socket.Dispose();
        }
    }
}
