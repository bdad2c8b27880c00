using FastBroker.Wire.Messages;

namespace FastBroker.Server.Sessions;

/// <summary>A TopicMetadata response waiting to be written: the ranges, and the id and retention when asked for.</summary>
internal sealed record MetadataAnswer((long Start, long End)[] Ranges, Guid? TopicId, (long Ms, long Bytes, RetentionSource Source)? Retention,
    (long Ms, bool Own)? DedupWindow = null);
