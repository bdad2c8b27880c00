using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Durability;

internal static partial class GroupCommitLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "{Component} stopped after an unexpected error; its waiters and every later request are failed until the broker restarts")]
    public static partial void LoopStopped(ILogger logger, string component, Exception exception);

    [LoggerMessage(EventId = 501, Level = LogLevel.Error, Message = "{Component} could not answer a waiter it was failing")]
    public static partial void FailFailed(ILogger logger, string component, Exception exception);
}
