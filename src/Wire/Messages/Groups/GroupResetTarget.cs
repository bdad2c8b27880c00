namespace FastBroker.Wire.Messages.Groups;

/// <summary>Where a ResetGroup request moves a group's positions (PROTOCOL.md 5.28).</summary>
public enum GroupResetTarget : byte
{
    /// <summary>Each partition's log start.</summary>
    Earliest = 0,
    /// <summary>Each partition's log end: only records published afterwards are read.</summary>
    Latest = 1,
    /// <summary>A fixed offset, clamped to each partition's [log start, log end].</summary>
    Offset = 2,
    /// <summary>The first record stamped at or after a time, as ListOffsets finds it.</summary>
    Time = 3,
}
