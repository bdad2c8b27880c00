using System.Buffers.Binary;

namespace FastBroker.Load.Tests.Peers;

/// <summary>
/// Test payloads and a thread-safe record of which came back. Payload i is <see cref="PayloadSize"/> bytes: i as a
/// little-endian int, then bytes derived from i, so a payload that was overwritten or truncated is detected.
/// </summary>
public sealed class MessageTally(int expected)
{
    public const int PayloadSize = 100;

    private readonly Lock _lock = new();
    private readonly bool[] _seen = new bool[expected];

    public int Distinct { get; private set; }

    public int Duplicates { get; private set; }

    public int Corrupt { get; private set; }

    public int Total
    {
        get
        {
            lock (_lock)
                return Distinct + Duplicates + Corrupt;
        }
    }

    public static void Fill(Span<byte> payload, int index)
    {
        BinaryPrimitives.WriteInt32LittleEndian(payload, index);
        for (int k = 4; k < payload.Length; k++)
            payload[k] = (byte)(index * 31 + k);
    }

    /// <summary>Records one delivered payload; returns the number of deliveries recorded so far.</summary>
    public int Record(ReadOnlySpan<byte> payload)
    {
        int index = Decode(payload);
        lock (_lock)
        {
            if (index < 0 || index >= _seen.Length)
                Corrupt++;
            else if (_seen[index])
                Duplicates++;
            else
            {
                _seen[index] = true;
                Distinct++;
            }
            return Distinct + Duplicates + Corrupt;
        }
    }

    public bool Saw(int index)
    {
        lock (_lock)
            return _seen[index];
    }

    private static int Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length != PayloadSize)
            return -1;
        int index = BinaryPrimitives.ReadInt32LittleEndian(payload);
        for (int k = 4; k < payload.Length; k++)
        {
            if (payload[k] != (byte)(index * 31 + k))
                return -1;
        }
        return index;
    }
}
