namespace FastBroker.Wire.Tests.Vectors;

/// <summary>What a vector block's bytes are: a whole frame (<c>frame:</c>) or a bare record batch (<c>batch:</c>).</summary>
internal enum VectorKind
{
    Frame,
    Batch,
}
