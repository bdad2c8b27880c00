using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Positions;

internal static partial class PositionsLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Dropped a torn tail of {Path}: {Bytes} bytes at position {Position}")]
    public static partial void TornTailDropped(ILogger logger, string path, int position, int bytes);
}
