using System.Buffers.Binary;
using System.Numerics;

namespace FastBroker.Server.Subscriptions;

/// <summary>The 64-bit hash a key-ordered subscription knows a record key by (<see cref="KeyGate"/>). Stable only within
/// one run: it is never stored, the gate being rebuilt from the journal after a restart.</summary>
internal static class KeyHash
{
    /// <summary>The hash of a record without a key: ordered with nothing (its own group, as Pulsar's Key_Shared
    /// treats messages without a key).</summary>
    public const ulong NoKey = 0;

    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;

    /// <summary>The hash of a key (never <see cref="NoKey"/>; the empty key is a key).</summary>
    public static ulong Of(ReadOnlySpan<byte> key)
    {
        ulong h = Prime2 ^ (ulong)key.Length;
        while (key.Length >= 8)
        {
            h = BitOperations.RotateLeft(h ^ (BinaryPrimitives.ReadUInt64LittleEndian(key) * Prime1), 31) * Prime2;
            key = key[8..];
        }
        ulong tail = 0;
        for (int i = 0; i < key.Length; i++) tail |= (ulong)key[i] << (8 * i);
        h = BitOperations.RotateLeft(h ^ (tail * Prime1), 31) * Prime2;
        // Final mix (as xxHash64's avalanche), so nearby keys land far apart.
        h ^= h >> 33;
        h *= Prime2;
        h ^= h >> 29;
        return h == NoKey ? 1 : h;
    }
}
