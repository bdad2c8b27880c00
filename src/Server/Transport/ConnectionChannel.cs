using System.IO.Pipelines;

namespace FastBroker.Server.Transport;

/// <summary>
/// The byte channel a <see cref="Connection"/> runs on: exactly what its loops need of a socket, so they can be driven
/// without one (tests use an in-memory channel; the broker uses <see cref="SocketChannel"/>). A vanished peer shows
/// as an <see cref="IOException"/>, a <see cref="System.Net.Sockets.SocketException"/>, an
/// <see cref="ObjectDisposedException"/> or an <see cref="OperationCanceledException"/> from a receive or from the
/// output; the connection treats anything else as a broker fault.
/// </summary>
internal abstract class ConnectionChannel
{
    /// <summary>The peer's bytes, written straight into <paramref name="buffer"/> (pipe memory): 0 when the peer has
    /// closed its side or <see cref="Close"/> was called. Only the fill loop calls it, one receive at a time.</summary>
    public abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer);

    /// <summary>Where the send loop encodes responses; a flush hands them to the peer and waits while the peer is
    /// not taking them.</summary>
    public abstract PipeWriter Output { get; }

    /// <summary>True while the peer has sent bytes that <see cref="ReceiveAsync"/> has not returned yet; false once
    /// the channel is closed. Drain reads on until this has been false for a while (Connection.FinishDrainAsync).</summary>
    public abstract bool HasUnreadInput { get; }

    /// <summary>Closes both directions. A pending receive ends (returns 0 or throws one of the disconnect
    /// exceptions) and so does a pending flush. The connection calls it once.</summary>
    public abstract void Close();
}
