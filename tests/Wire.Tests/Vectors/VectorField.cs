namespace FastBroker.Wire.Tests.Vectors;

/// <summary>
/// One field of a vector as PROTOCOL.md lays it out: its name and how to show it. Strings and blobs carry their
/// own length; <see cref="Size"/> is used only by the fixed-size kinds and raw byte runs.
/// </summary>
internal sealed record VectorField(string Name, VectorFieldKind Kind, int Size = 0);
