namespace FastBroker.Wire.Messages;

/// <summary>A run of consecutive offsets a filtered fetch delivers: <c>[First, First + Count)</c>.</summary>
/// <remarks>Encoded as <c>i64 first, u32 count</c> (12 bytes) in a FetchFiltered response (PROTOCOL.md section 5.8.1).</remarks>
public readonly record struct FetchRange(long First, int Count)
{
    /// <summary>Encoded size of one range.</summary>
    public const int Size = 12;

    /// <summary>One past the last offset.</summary>
    public long End => First + Count;

    /// <summary>Whether <paramref name="offset"/> lies in the range.</summary>
    public bool Contains(long offset) => offset >= First && offset < End;
}
