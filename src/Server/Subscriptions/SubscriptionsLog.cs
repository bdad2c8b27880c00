using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Subscriptions;

internal static partial class SubscriptionsLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Ack log {Path}: dropped a torn tail of {Bytes} bytes")]
    public static partial void AckLogTailDropped(ILogger logger, string path, int bytes);

    [LoggerMessage(EventId = 301, Level = LogLevel.Critical, Message = "Ack log {Path} stopped after a storage failure")]
    public static partial void AckLogFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 302, Level = LogLevel.Debug, Message = "Ack log {Path} compacted to {Bytes} bytes")]
    public static partial void AckLogCompacted(ILogger logger, string path, long bytes);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Created subscription {Topic}/{Subscription}")]
    public static partial void SubscriptionCreated(ILogger logger, string topic, string subscription);

    [LoggerMessage(EventId = 304, Level = LogLevel.Information, Message = "Deleted subscription {Topic}/{Subscription}")]
    public static partial void SubscriptionDeleted(ILogger logger, string topic, string subscription);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "Ignoring subscription directory {Directory}: {Reason}")]
    public static partial void SubscriptionIgnored(ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 306, Level = LogLevel.Information, Message = "Moved {Topic}/{Partition}@{Offset} to {DeadLetterTopic} after {Deliveries} deliveries ({Subscription})")]
    public static partial void DeadLettered(ILogger logger, string topic, int partition, long offset, string deadLetterTopic, int deliveries, string subscription);

    [LoggerMessage(EventId = 307, Level = LogLevel.Error, Message = "Could not move {Topic}/{Partition}@{Offset} to the dead-letter topic {DeadLetterTopic}: {Reason}")]
    public static partial void DeadLetterFailed(ILogger logger, string topic, int partition, long offset, string deadLetterTopic, string reason);

    [LoggerMessage(EventId = 308, Level = LogLevel.Error, Message = "Delivery read for {Topic}/{Subscription} at offset {Offset} failed")]
    public static partial void DeliveryReadFailed(ILogger logger, string topic, string subscription, long offset, Exception exception);

    [LoggerMessage(EventId = 320, Level = LogLevel.Error, Message = "Creating subscription {Topic}/{Subscription} failed; nothing was kept")]
    public static partial void SubscriptionCreateFailed(ILogger logger, string topic, string subscription, Exception exception);

    [LoggerMessage(EventId = 321, Level = LogLevel.Warning, Message = "Retention deleted {Count} unsettled messages of {Topic}/{Subscription} below offset {Start} of partition {Partition}; counted as expired")]
    public static partial void RetentionDropped(ILogger logger, string topic, string subscription, int partition, long start, long count);

    [LoggerMessage(EventId = 322, Level = LogLevel.Information, Message = "Subscription {Topic}/{Subscription} reset to {Start}; {Skipped} unsettled messages skipped")]
    public static partial void SubscriptionReset(ILogger logger, string topic, string subscription, string start, long skipped);
}
