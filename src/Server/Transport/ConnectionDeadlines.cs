namespace FastBroker.Server.Transport;

/// <summary>
/// The two deadlines of one connection (OPERATIONS.md "Connections, limits and deadlines"): the handshake must be
/// done within <c>handshakeTimeout</c> of the accept, and a frame once started must be complete within
/// <c>frameTimeout</c>. A connection idle between frames has no deadline: consumers hold connections for hours.
/// The receive loop reports what it is waiting for; the listener's sweep asks <see cref="Expired"/>.
/// </summary>
internal sealed class ConnectionDeadlines
{
    private const long NoPartialFrame = long.MinValue;
    private readonly TimeProvider _time;
    private readonly TimeSpan _handshakeTimeout;
    private readonly TimeSpan _frameTimeout;
    private readonly long _openedAt;
    private long _partialSince = NoPartialFrame;
    private int _handshakeDone;

    public ConnectionDeadlines(TimeProvider time, TimeSpan handshakeTimeout, TimeSpan frameTimeout)
    {
        _time = time;
        _handshakeTimeout = handshakeTimeout;
        _frameTimeout = frameTimeout;
        _openedAt = time.GetTimestamp();
    }

    public void HandshakeDone() => Volatile.Write(ref _handshakeDone, 1);

    /// <summary>The receive loop is about to wait for bytes; <paramref name="midFrame"/> when part of a frame is
    /// already buffered. The frame clock starts at the first such wait and keeps running until a frame boundary.</summary>
    public void WaitingForBytes(bool midFrame)
    {
        long since = Volatile.Read(ref _partialSince);
        if (!midFrame)
        {
            if (since != NoPartialFrame) Volatile.Write(ref _partialSince, NoPartialFrame);
        }
        else if (since == NoPartialFrame)
        {
            Volatile.Write(ref _partialSince, _time.GetTimestamp());
        }
    }

    /// <summary>The broker itself stopped reading (backpressure): a half-read frame is then not the client's delay.</summary>
    public void Paused() => Volatile.Write(ref _partialSince, NoPartialFrame);

    /// <summary>Null while every deadline holds; otherwise why the connection is being closed.</summary>
    public string? Expired()
    {
        if (Volatile.Read(ref _handshakeDone) == 0 && _time.GetElapsedTime(_openedAt) >= _handshakeTimeout)
            return $"no handshake within {Describe(_handshakeTimeout)} of connecting";
        long since = Volatile.Read(ref _partialSince);
        if (since != NoPartialFrame && _time.GetElapsedTime(since) >= _frameTimeout)
            return $"a frame was left incomplete for {Describe(_frameTimeout)}";
        return null;
    }

    private static string Describe(TimeSpan span)
        => span.TotalSeconds >= 1 && span.Milliseconds == 0 ? $"{span.TotalSeconds:0} s" : $"{span.TotalMilliseconds:0} ms";
}
