using System.Buffers;
using System.IO.Pipelines;
using FastBroker.Server.Sessions;
using FastBroker.Server.Tests.Subscriptions;
using FastBroker.Wire;
using FastBroker.Wire.Messages;

namespace FastBroker.Server.Tests.Sessions;

/// <summary>
/// One <see cref="Session"/> over a <see cref="QueueBroker"/> (real registry, temp directory, fake clock), with no
/// socket: frames go in through <see cref="Session.HandleFrameAsync"/>, responses come out through
/// <see cref="Session.WriteResponse"/> as the bytes the connection would send.
/// </summary>
internal sealed class SessionHarness : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly SessionContext _context;
    private readonly MemoryStream _sent = new();
    private readonly PipeWriter _output;

    private SessionHarness(QueueBroker broker)
    {
        Broker = broker;
        _context = new SessionContext(broker);
        Session = new Session(_context.Context, connectionId: 1);
        _output = PipeWriter.Create(_sent, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public QueueBroker Broker { get; }
    public Session Session { get; }

    /// <summary>A session that has done its handshake.</summary>
    public static async Task<SessionHarness> StartAsync(QueueBroker broker)
    {
        var harness = new SessionHarness(broker);
        var handshake = await harness.RequestAsync(w => FrameWriter.WriteHandshake(w, 1, "unit"u8));
        Assert.Equal(Opcode.Handshake, handshake.Header.Opcode);
        return harness;
    }

    /// <summary>A session that has not done its handshake yet.</summary>
    public static SessionHarness Fresh(QueueBroker broker) => new(broker);

    /// <summary>Hands one encoded frame to the session; false when it asked the connection to stop reading.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> frame)
    {
        var header = FrameHeader.Read(frame.Span);
        return await Session.HandleFrameAsync(header, new ReadOnlySequence<byte>(frame[FrameHeader.Size..]));
    }

    public static byte[] Encode(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public async Task<SentFrame> RequestAsync(Action<IBufferWriter<byte>> write)
    {
        await SendAsync(Encode(write));
        return await NextAsync() ?? throw new InvalidOperationException("the session closed instead of answering");
    }

    /// <summary>The next frame the session sends; null for its Close marker.</summary>
    public async Task<SentFrame?> NextAsync()
    {
        var item = await Session.Responses.ReadAsync().AsTask().WaitAsync(Patience);
        _sent.SetLength(0);
        if (!Session.WriteResponse(item, _output)) return null;
        await _output.FlushAsync();
        byte[] bytes = _sent.ToArray();
        var header = FrameHeader.Read(bytes);
        Assert.Equal(FrameHeader.Size + header.BodyLength, bytes.Length);
        return new SentFrame(header, bytes[FrameHeader.Size..]);
    }

    public async ValueTask DisposeAsync()
    {
        Session.Complete();
        Session.Dispose();
        await _output.CompleteAsync();
        _context.Dispose();
    }
}

internal sealed record SentFrame(FrameHeader Header, byte[] Body)
{
    public ErrorCode ErrorCode => Header.Opcode == Opcode.Error && ErrorResponse.TryParse(Body, out var e) ? e.Code : ErrorCode.None;
}
