namespace FastBroker.Wire.Messages.Groups;

/// <summary>The optional flags byte of a DescribeGroup request (PROTOCOL.md 5.27).</summary>
[Flags]
public enum DescribeGroupFlags : byte
{
    /// <summary>Positions only: the answer is the one a request without the flags byte gets.</summary>
    None = 0,
    /// <summary>Append the group's members and their assignment to the answer.</summary>
    WithMembers = 1,
}
