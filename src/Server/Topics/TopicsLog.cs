using Microsoft.Extensions.Logging;

namespace FastBroker.Server.Topics;

internal static partial class TopicsLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "Partition {Topic}/{Partition} refuses service: {Reason}")]
    public static partial void PartitionRefused(ILogger logger, string topic, int partition, string reason);

    [LoggerMessage(EventId = 101, Level = LogLevel.Critical, Message = "Partition {Topic}/{Partition} stopped accepting writes after a storage failure")]
    public static partial void PartitionFailed(ILogger logger, string topic, int partition, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Created topic {Topic} with {Partitions} partitions")]
    public static partial void TopicCreated(ILogger logger, string topic, int partitions);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Deleted topic {Topic}")]
    public static partial void TopicDeleted(ILogger logger, string topic);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Loaded topic {Topic} with {Partitions} partitions")]
    public static partial void TopicLoaded(ILogger logger, string topic, int partitions);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Ignoring directory {Directory}: {Reason}")]
    public static partial void TopicDirectoryIgnored(ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Partition {Topic}/{Partition}: deleting acked segments failed")]
    public static partial void TrimFailed(ILogger logger, string topic, int partition, Exception exception);
}
