namespace FastBroker.Wire.Tests.Vectors;

/// <summary>
/// One test vector the tests know: how to encode it from its field values with the Wire encoders, and how to
/// check that the Wire decoders turn its bytes back into those same values. For <see cref="VectorKind.Batch"/>
/// vectors the header passed to <see cref="CheckDecoded"/> is default and the bytes are the whole batch.
/// </summary>
internal sealed record SpecVector(string Name, VectorKind Kind, Func<byte[]> Encode, Action<FrameHeader, byte[]> CheckDecoded)
{
    public override string ToString() => Name;
}
