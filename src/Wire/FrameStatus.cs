namespace FastBroker.Wire;

/// <summary>Outcome of trying to cut one frame from buffered bytes.</summary>
public enum FrameStatus
{
    /// <summary>A whole frame was read; the buffer was advanced past it.</summary>
    Complete,
    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,
    /// <summary>The length prefix exceeds the cap; the stream cannot be re-synchronised.</summary>
    TooLarge,
}
