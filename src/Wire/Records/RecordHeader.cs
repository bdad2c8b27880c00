namespace FastBroker.Wire.Records;

/// <summary>A record header to encode: a UTF-8 name and a byte value.</summary>
public readonly record struct RecordHeader(string Name, ReadOnlyMemory<byte> Value);
