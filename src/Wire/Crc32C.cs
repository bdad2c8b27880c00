using System.Buffers.Binary;
using System.Numerics;

namespace FastBroker.Wire;

/// <summary>CRC-32C (Castagnoli), the checksum of record batches. Uses the CPU's CRC32 instruction where
/// the runtime has it (<see cref="BitOperations.Crc32C(uint, ulong)"/>), a table otherwise.</summary>
public static class Crc32C
{
    /// <summary>CRC-32C of <paramref name="data"/> (initial value and final xor 0xFFFFFFFF; "123456789" → 0xE3069283).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFFu, data);

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data)
            crc = BitOperations.Crc32C(crc, b);
        return crc;
    }
}
