namespace FastBroker.ClientLite;

/// <summary>
/// The connection to the broker failed or was closed. Every request that was pending on it fails with this
/// exception; whether the broker applied such a request is unknown. <see cref="Exception.InnerException"/> holds
/// the cause (a socket error, or a <see cref="BrokerException"/> the broker sent about the whole connection).
/// </summary>
public sealed class BrokerConnectionException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public BrokerConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BrokerConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
