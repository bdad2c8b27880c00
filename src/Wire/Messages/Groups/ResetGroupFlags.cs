namespace FastBroker.Wire.Messages.Groups;

/// <summary>Flags of a ResetGroup request (PROTOCOL.md 5.28).</summary>
[Flags]
public enum ResetGroupFlags : byte
{
    /// <summary>Store the new positions.</summary>
    None = 0,
    /// <summary>Answer the positions the reset would store, and store nothing.</summary>
    DryRun = 1,
}
