namespace FastBroker.Server.Durability;

/// <summary>The POSIX <c>struct iovec</c>: one buffer of a gathered write.</summary>
internal unsafe struct IoVector
{
    public byte* Base;
    public nuint Length;
}
