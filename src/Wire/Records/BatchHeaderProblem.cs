namespace FastBroker.Wire.Records;

/// <summary>What <see cref="RecordBatchHeader.Check"/> found wrong with a batch header (PROTOCOL.md section 6.5).</summary>
public enum BatchHeaderProblem
{
    /// <summary>Nothing: the header may begin a sound batch.</summary>
    None,

    /// <summary>The declared length is smaller than the header itself (a zeroed or torn tail reads as length 0).</summary>
    LengthBelowHeader,

    /// <summary>The declared length goes past the bytes there are.</summary>
    PastEnd,

    /// <summary>A batch format version this library does not know.</summary>
    UnknownFormatVersion,

    /// <summary>Attribute bits (compression, transactions) this version does not support.</summary>
    UnsupportedAttributes,

    /// <summary>A record count of zero.</summary>
    NoRecords,
}
