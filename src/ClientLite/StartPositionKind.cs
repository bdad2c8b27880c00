namespace FastBroker.ClientLite;

/// <summary>The kinds of <see cref="StartPosition"/>.</summary>
public enum StartPositionKind
{
    /// <summary>The oldest stored record.</summary>
    Earliest,
    /// <summary>The end of the partition when reading starts.</summary>
    Latest,
    /// <summary>A given offset.</summary>
    Offset,
    /// <summary>The first record at or after a given time.</summary>
    Time,
}
