using System.Buffers;
using System.Buffers.Binary;
using FastBroker.Wire;

namespace FastBroker.Server.Journal.Internal;

/// <summary>
/// The frame a segment's index files share (<see cref="IndexFile"/>, <see cref="TimeIndexFile"/>): magic, version,
/// the segment's base offset, end offset and end position, header fields of the file's own, fixed-size entries,
/// then a CRC-32C of everything before it. Neither file is fsynced: both can be rebuilt by scanning the segment, and
/// are trusted only when the frame checks out and they describe exactly the segment's bytes.
/// </summary>
internal static class IndexFileFrame
{
    public const ushort CurrentVersion = 1;

    // magic u32, version u16, reserved u16, segment base i64, end offset i64, end position i64
    public const int CommonHeaderBytes = 32;

    /// <summary>A pooled buffer of <paramref name="length"/> bytes holding the common header of
    /// <paramref name="segment"/> and zeros; the caller fills its own header fields and the entries, then calls
    /// <see cref="Finish"/>.</summary>
    public static byte[] Start(uint magic, int headerBytes, int entryBytes, int count, Segment segment, out int length)
    {
        length = headerBytes + count * entryBytes + sizeof(uint);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        var data = buffer.AsSpan(0, length);
        data[..headerBytes].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(data, magic);
        BinaryPrimitives.WriteUInt16LittleEndian(data[4..], CurrentVersion);
        BinaryPrimitives.WriteInt64LittleEndian(data[8..], segment.BaseOffset);
        BinaryPrimitives.WriteInt64LittleEndian(data[16..], segment.EndOffset);
        BinaryPrimitives.WriteInt64LittleEndian(data[24..], segment.WrittenEnd);
        return buffer;
    }

    /// <summary>Seals the frame with its CRC, writes it to <paramref name="path"/>, and returns the buffer to the pool.</summary>
    public static void Finish(ISegmentFileFactory files, string path, byte[] buffer, int length)
    {
        try
        {
            var data = buffer.AsSpan(0, length);
            BinaryPrimitives.WriteUInt32LittleEndian(data[^4..], Crc32C.Compute(data[..^4]));
            using var file = files.Open(path, FileMode.Create, FileAccess.Write);
            file.Write(data, 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads the whole file into a pooled buffer (give it back with <see cref="Return"/>) and checks its length,
    /// CRC, magic and version. False, with the reason and nothing to give back, when any of that fails.
    /// </summary>
    public static bool TryRead(ISegmentFileFactory files, string path, uint magic, int headerBytes, int entryBytes,
        out byte[] buffer, out int length, out int count, out string problem)
    {
        buffer = [];
        length = count = 0;
        if (!File.Exists(path))
        {
            problem = "missing";
            return false;
        }
        using var file = files.Open(path, FileMode.Open, FileAccess.Read);
        long fileLength = file.Length;
        if (fileLength < headerBytes + sizeof(uint) || fileLength > int.MaxValue || (fileLength - headerBytes - sizeof(uint)) % entryBytes != 0)
        {
            problem = "bad length";
            return false;
        }
        length = (int)fileLength;
        buffer = ArrayPool<byte>.Shared.Rent(length);
        var data = buffer.AsSpan(0, length);
        if (file.Read(data, 0) != data.Length)
            problem = "short read";
        else if (BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]) != Crc32C.Compute(data[..^4])
                 || BinaryPrimitives.ReadUInt32LittleEndian(data) != magic
                 || BinaryPrimitives.ReadUInt16LittleEndian(data[4..]) != CurrentVersion)
            problem = "bad magic, version or CRC";
        else
        {
            count = (length - headerBytes - sizeof(uint)) / entryBytes;
            problem = "";
            return true;
        }
        Return(buffer);
        buffer = [];
        return false;
    }

    public static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer);
}
