using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Transport;

internal static partial class TransportLog
{
    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 602, Level = LogLevel.Debug, Message = "Connection {ConnectionId} accepted from {Remote}")]
    public static partial void ConnectionAccepted(ILogger logger, long connectionId, string remote);

    [LoggerMessage(EventId = 603, Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, long connectionId, string reason);

    [LoggerMessage(EventId = 604, Level = LogLevel.Debug, Message = "Connection {ConnectionId} reset: {Reason}")]
    public static partial void ConnectionReset(ILogger logger, long connectionId, string reason);

    [LoggerMessage(EventId = 605, Level = LogLevel.Error, Message = "Connection {ConnectionId} faulted")]
    public static partial void ConnectionFaulted(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(EventId = 606, Level = LogLevel.Warning, Message = "Refused a connection from {Remote}: {Limit} connections open, the most {Bound} allows ({Suppressed} more refusals not logged)")]
    public static partial void ConnectionRefused(ILogger logger, string remote, int limit, string bound, int suppressed);

    [LoggerMessage(EventId = 608, Level = LogLevel.Warning, Message = "The open-file limit of {SoftLimit} leaves room for {Connections} connections (--max-connections is {MaxConnections}); raise it with ulimit -n")]
    public static partial void DescriptorCap(ILogger logger, int connections, long softLimit, int maxConnections);

    [LoggerMessage(EventId = 607, Level = LogLevel.Warning, Message = "Accept failed: {Error} {Reason} ({Suppressed} more accept errors not logged); backing off, still listening")]
    public static partial void AcceptFailed(ILogger logger, System.Net.Sockets.SocketError error, string reason, int suppressed);
}
