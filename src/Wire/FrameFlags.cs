namespace FastBroker.Wire;

/// <summary>Bits of the frame header's flags field. Bits not defined here must be zero.</summary>
[Flags]
public enum FrameFlags : ushort
{
    /// <summary>A request.</summary>
    None = 0,
    /// <summary>Set on every frame the broker sends in answer to a request.</summary>
    Response = 1,
    /// <summary>Set, with <see cref="Response"/>, on frames the broker sends unasked (push deliveries).</summary>
    Push = 2,
}
