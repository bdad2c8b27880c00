using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Positions;

internal static partial class PositionsLog
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Dropped a torn tail of {Path}: {Bytes} bytes at position {Position}")]
    public static partial void TornTailDropped(ILogger logger, string path, int position, int bytes);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Dropped the stored positions on topic {Topic}, which no longer exists")]
    public static partial void TopicPositionsDropped(ILogger logger, string topic);

    [LoggerMessage(EventId = 720, Level = LogLevel.Critical, Message = "Position store {Path} stopped after a failed sync")]
    public static partial void StoreFailed(ILogger logger, string path, Exception exception);
}
