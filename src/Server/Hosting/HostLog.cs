using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Hosting;

internal static partial class HostLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Stopping: {Reason}")]
    public static partial void Stopping(ILogger logger, string reason);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Stopped cleanly")]
    public static partial void Stopped(ILogger logger);
}
