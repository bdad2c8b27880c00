using FastBroker.Wire;
using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Sessions;

internal static partial class SessionLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Closing connection {ConnectionId}: {Code} {Reason}")]
    public static partial void ClosingConnection(ILogger logger, long connectionId, ErrorCode code, string reason);

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "Fetch on connection {ConnectionId} failed reading {Topic}/{Partition}")]
    public static partial void FetchFailed(ILogger logger, long connectionId, string topic, int partition, Exception exception);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Connection {ConnectionId}: handling {Opcode} request {RequestId} failed; closing the connection")]
    public static partial void RequestFaulted(ILogger logger, long connectionId, Opcode opcode, uint requestId, Exception exception);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Connection {ConnectionId} closed: deleted its temporary topic {Topic}")]
    public static partial void TemporaryTopicDeleted(ILogger logger, long connectionId, string topic);

    [LoggerMessage(EventId = 204, Level = LogLevel.Error, Message = "Connection {ConnectionId} closed: deleting its temporary topic {Topic} failed; it is deleted at the next start")]
    public static partial void TemporaryTopicNotDeleted(ILogger logger, long connectionId, string topic, Exception exception);
}
