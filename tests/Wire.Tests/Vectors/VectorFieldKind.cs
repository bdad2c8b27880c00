namespace FastBroker.Wire.Tests.Vectors;

/// <summary>How a vector field is decoded for its row in the table under the vector.</summary>
internal enum VectorFieldKind
{
    U8,
    U16,
    U32,
    U32Hex,
    I16,
    I32,
    I64,
    Timestamp,
    Code,
    AckModeU8,
    TopicFlagsU8,
    TopicQueryFlagsU8,
    Str,
    Blob,
    Text,
    Raw,
}
