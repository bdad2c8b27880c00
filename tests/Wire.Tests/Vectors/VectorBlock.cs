namespace FastBroker.Wire.Tests.Vectors;

/// <summary>A <c>```vector</c> block as found in PROTOCOL.md.</summary>
internal sealed record VectorBlock(string Name, VectorKind Kind, byte[] Bytes, int Line);
