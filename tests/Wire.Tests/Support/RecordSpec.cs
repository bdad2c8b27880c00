using FastBroker.Wire.Records;

namespace FastBroker.Wire.Tests.Support;

/// <summary>A record as a test means it: what goes into a batch and what must come back out.</summary>
internal sealed record RecordSpec(long Timestamp, byte[]? Key, RecordHeader[] Headers, byte[] Value)
{
    public bool HasKey => Key is not null;
}
