using System.Buffers;
using FastBroker.Server.Hosting;
using FastBroker.Server.Sessions;
using FastBroker.Server.Tests.Journal;
using FastBroker.Server.Tests.Sessions;
using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Server.Transport;
using FastBroker.Wire;
using FastBroker.Wire.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FastBroker.Server.Tests.Transport;

/// <summary>
/// A real <see cref="Connection"/> running a real <see cref="Session"/> (over a <see cref="QueueBroker"/>) on a
/// <see cref="MemoryChannel"/> instead of a socket. The connection has its own fake clock, apart from the broker's, so
/// moving it for deadlines and drain looks neither ends long polls nor runs the subscriptions' ticks; the test calls
/// <see cref="Connection.CheckDeadlines"/> where the listener's sweep would.
/// </summary>
internal sealed class ConnectionHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly SessionContext _context;
    private uint _nextRequestId = 1;

    public ConnectionHarness(ServerOptions? options = null, int window = 64 * 1024)
    {
        Broker = new QueueBroker();
        _context = new SessionContext(Broker, options);
        Session = new Session(_context.Context, connectionId: 1);
        Channel = new MemoryChannel(window);
        var limits = _context.Options;
        var deadlines = new ConnectionDeadlines(Clock, limits.HandshakeTimeout, limits.FrameTimeout);
        Connection = new Connection(Channel, Session, limits.MaxFrameBytes, deadlines, Clock, Log);
        Running = Task.Run(Connection.RunAsync);
    }

    public QueueBroker Broker { get; }
    public Session Session { get; }
    public MemoryChannel Channel { get; }
    public Connection Connection { get; }
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    public CapturingLogger Log { get; } = new();

    /// <summary><see cref="Connection.RunAsync"/>: completes when the connection is over.</summary>
    public Task Running { get; }

    public uint NextRequestId() => ++_nextRequestId;

    public static byte[] Encode(Action<IBufferWriter<byte>> write) => SessionHarness.Encode(write);

    public Task SendAsync(Action<IBufferWriter<byte>> write) => Channel.SendAsync(Encode(write));

    public Task<SentFrame?> NextAsync() => Channel.ReadFrameAsync();

    public async Task<SentFrame> ExpectFrameAsync()
        => await NextAsync() ?? throw new InvalidOperationException("the connection closed instead of answering");

    public async Task HandshakeAsync()
    {
        await SendAsync(w => FrameWriter.WriteHandshake(w, 1, "unit"u8));
        Assert.Equal(Opcode.Handshake, (await ExpectFrameAsync()).Header.Opcode);
    }

    /// <summary>Pings and reads the echo. Frames are handled in order, so it also means every frame sent before was read.</summary>
    public async Task PingAsync()
    {
        uint id = NextRequestId();
        await SendAsync(w => FrameWriter.WritePing(w, id, "sync"u8));
        var pong = await ExpectFrameAsync();
        Assert.Equal((Opcode.Ping, id), (pong.Header.Opcode, pong.Header.RequestId));
    }

    /// <summary>The broker's output ends with no further frame, the connection runs to its end, and the channel was
    /// closed exactly once, with one "closed" log line and no fault logged.</summary>
    public async Task ExpectClosedAsync()
    {
        Assert.Null(await NextAsync());
        await Running.WaitAsync(Patience);
        Assert.Equal(1, Channel.CloseCount);
        Assert.Single(Log.Entries, e => e.Message.StartsWith("Connection 1 closed", StringComparison.Ordinal));
        Assert.DoesNotContain(Log.Entries, e => e.Level >= LogLevel.Error);
    }

    /// <summary>Moves the connection's clock by <paramref name="step"/> (sweeping deadlines when asked) until
    /// <paramref name="done"/> completes. The clock moves only while no response waits to be flushed, so the hard
    /// close one second after an expiry can never cut off the error frame on its way out.</summary>
    public async Task AdvanceUntilAsync(Task done, TimeSpan step, bool sweep = false)
    {
        var giveUp = DateTime.UtcNow + Patience;
        while (!done.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < giveUp, "the connection did not get there on the moving clock");
            if (Session.Output.Bytes == 0)
            {
                Clock.Advance(step);
                if (sweep) Connection.CheckDeadlines();
            }
            // Lets the connection's loops run between steps; what the test asserts is what they did, not the wait.
            await Task.WhenAny(done, Task.Delay(5));
        }
        await done;
    }

    /// <summary>Polls (bounded) for a state one of the connection's loops reaches on its own.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var giveUp = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, $"timed out waiting for {what}");
            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Connection.Shutdown("test over");
        await Running.WaitAsync(Patience);
        _context.Dispose();
        await Broker.DisposeAsync();
    }
}
