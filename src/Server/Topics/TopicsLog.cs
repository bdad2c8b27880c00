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

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "Partition {Topic}/{Partition}: deleting segments past retention failed")]
    public static partial void RetentionFailed(ILogger logger, string topic, int partition, Exception exception);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Partition {Topic}/{Partition}: {Reason}")]
    public static partial void WriteUndone(ILogger logger, string topic, int partition, string reason);

    [LoggerMessage(EventId = 108, Level = LogLevel.Error, Message = "Creating topic {Topic} failed; nothing was kept")]
    public static partial void CreateFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(EventId = 109, Level = LogLevel.Error, Message = "Deleting topic {Topic}: its files could not be removed; it comes back at the next start")]
    public static partial void DeleteFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Deleted topic {Topic}, but {Directory} could not be removed ({Reason}); it is ignored at the next start")]
    public static partial void LeftoverNotDeleted(ILogger logger, string topic, string directory, string reason);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Created temporary topic {Topic} with {Partitions} partitions")]
    public static partial void TemporaryTopicCreated(ILogger logger, string topic, int partitions);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "Deleted temporary topic {Topic} left over from before the restart")]
    public static partial void TemporaryTopicDropped(ILogger logger, string topic);

    [LoggerMessage(EventId = 113, Level = LogLevel.Error, Message = "Temporary topic {Topic} left over from before the restart could not be deleted; it is ignored")]
    public static partial void TemporaryNotDropped(ILogger logger, string topic, Exception exception);

    [LoggerMessage(EventId = 114, Level = LogLevel.Warning, Message = "Topic {Topic} had no id and the new one could not be stored; it holds until the broker stops")]
    public static partial void IdNotStored(ILogger logger, string topic, Exception exception);

    [LoggerMessage(EventId = 115, Level = LogLevel.Error, Message = "Changing topic {Topic} failed: its meta file could not be written; its retention is unchanged")]
    public static partial void AlterFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(EventId = 116, Level = LogLevel.Information, Message = "Topic {Topic} retention is now {RetentionMs} ms and {RetentionBytes} bytes per partition (0 = unlimited)")]
    public static partial void RetentionChanged(ILogger logger, string topic, long retentionMs, long retentionBytes);

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "Partition {Topic}/{Partition}: reading the log tail to rebuild idempotent producer state failed; producers not yet seen lose duplicate detection for their in-flight batches")]
    public static partial void ProducerStateIncomplete(ILogger logger, string topic, int partition, Exception exception);

    [LoggerMessage(EventId = 131, Level = LogLevel.Debug, Message = "Partition {Topic}/{Partition}: dropped {Count} records as duplicates by their dedup ids; the rest stored at {BaseOffset} (-1: none)")]
    public static partial void DuplicatesDropped(ILogger logger, string topic, int partition, int count, long baseOffset);

    [LoggerMessage(EventId = 132, Level = LogLevel.Warning, Message = "Partition {Topic}/{Partition}: {Count} dedup ids forgotten before their window ended (the id cap was reached; {Total} so far); raise --dedup-max-ids or shorten the window")]
    public static partial void DedupIdsEvicted(ILogger logger, string topic, int partition, long count, long total);
}
