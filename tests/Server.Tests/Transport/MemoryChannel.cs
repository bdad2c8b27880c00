using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using FastBroker.Server.Tests.Sessions;
using FastBroker.Server.Transport;
using FastBroker.Wire;

namespace FastBroker.Server.Tests.Transport;

/// <summary>
/// A <see cref="ConnectionChannel"/> in memory with the test as the client: <see cref="SendAsync"/> is what the client
/// writes, <see cref="ReadFrameAsync"/> what it reads. One pipe per direction stands for the socket; the broker's
/// flushes wait once <c>window</c> bytes are unread, as they do on a socket whose buffers are full. The client side is
/// used from one test thread at a time.
/// </summary>
internal sealed class MemoryChannel : ConnectionChannel
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    // Unbounded (a threshold of 0 never pauses) so that sending a burst never waits for the broker to read it.
    private readonly Pipe _toBroker = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Pipe _fromBroker;
    private readonly List<byte[]> _held = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _holding;
    private long _unread;
    private int _closes;

    public MemoryChannel(int window = 64 * 1024)
    {
        _fromBroker = new Pipe(new PipeOptions(pauseWriterThreshold: window, resumeWriterThreshold: window / 2, useSynchronizationContext: false));
    }

    public override PipeWriter Output => _fromBroker.Writer;

    /// <summary>How many times the connection closed the channel (it must be once).</summary>
    public int CloseCount => Volatile.Read(ref _closes);

    /// <summary>Completes when the connection first closes the channel.</summary>
    public Task Closed => _closed.Task;

    public override bool HasUnreadInput => Volatile.Read(ref _closes) == 0 && Interlocked.Read(ref _unread) > 0;

    public override async ValueTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        if (Volatile.Read(ref _closes) != 0) return 0;
        var reader = _toBroker.Reader;
        // A peer reset surfaces here: the client completed its side with the exception, and reading rethrows it.
        var result = await reader.ReadAsync().ConfigureAwait(false);
        if (result.IsCanceled) return 0;
        var data = result.Buffer;
        int received = (int)Math.Min(buffer.Length, data.Length);
        data.Slice(0, received).CopyTo(buffer.Span);
        reader.AdvanceTo(data.GetPosition(received));
        Interlocked.Add(ref _unread, -received);
        return received;
    }

    public override void Close()
    {
        if (Interlocked.Increment(ref _closes) != 1) return;
        // As a socket shutdown does: a receive waiting for bytes returns 0, a flush waiting for room ends.
        _toBroker.Reader.CancelPendingRead();
        _fromBroker.Writer.CancelPendingFlush();
        _closed.TrySetResult();
    }

    /// <summary>The client writes <paramref name="bytes"/> (kept back while input is held).</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        Interlocked.Add(ref _unread, bytes.Length);
        if (_holding)
        {
            _held.Add(bytes.ToArray());
            return;
        }
        await _toBroker.Writer.WriteAsync(bytes).ConfigureAwait(false);
    }

    /// <summary>From now on bytes sent stay where a socket keeps bytes nobody has received yet: unread, counted by
    /// <see cref="HasUnreadInput"/>, not returned by <see cref="ReceiveAsync"/>.</summary>
    public void HoldInput() => _holding = true;

    /// <summary>Lets the held bytes through, in order.</summary>
    public async Task ReleaseInputAsync()
    {
        _holding = false;
        foreach (byte[] bytes in _held) await _toBroker.Writer.WriteAsync(bytes);
        _held.Clear();
    }

    /// <summary>The client closes its sending side (a FIN): once everything sent is received, a receive returns 0.</summary>
    public void CloseInput() => _toBroker.Writer.Complete();

    /// <summary>The peer resets the connection: the broker's next receive throws a <see cref="SocketException"/> and its
    /// next flush an <see cref="IOException"/>, as they do on a reset socket; nothing more is read from the broker.</summary>
    public void Reset()
    {
        _toBroker.Writer.Complete(new SocketException((int)SocketError.ConnectionReset));
        _fromBroker.Reader.Complete(new IOException("Connection reset by peer", new SocketException((int)SocketError.ConnectionReset)));
    }

    /// <summary>The next frame the broker sent; null once its output has ended with nothing more to read.</summary>
    public async Task<SentFrame?> ReadFrameAsync()
    {
        var reader = _fromBroker.Reader;
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(Patience);
            var buffer = result.Buffer;
            if (FrameParser.TryReadFrame(ref buffer, int.MaxValue, out var header, out var body) == FrameStatus.Complete)
            {
                var frame = new SentFrame(header, body.ToArray());
                reader.AdvanceTo(buffer.Start);
                return frame;
            }
            if (result.IsCompleted)
            {
                Assert.True(buffer.IsEmpty, $"the broker's output ended inside a frame ({buffer.Length} bytes left)");
                reader.AdvanceTo(buffer.End);
                return null;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
