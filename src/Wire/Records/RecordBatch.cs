using System.Buffers.Binary;

namespace FastBroker.Wire.Records;

/// <summary>Operations on encoded record batches that need no decoding of the records.</summary>
public static class RecordBatch
{
    /// <summary>Overwrites the base offset in place; the CRC stays valid because it does not cover it.</summary>
    public static void SetBaseOffset(Span<byte> batch, long baseOffset)
        => BinaryPrimitives.WriteInt64LittleEndian(batch, baseOffset);

    /// <summary>The base offset of an encoded batch.</summary>
    public static long ReadBaseOffset(ReadOnlySpan<byte> batch) => BinaryPrimitives.ReadInt64LittleEndian(batch);

    /// <summary>The record count of an encoded batch.</summary>
    public static int ReadRecordCount(ReadOnlySpan<byte> batch)
        => (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(batch[RecordBatchHeader.RecordCountPosition..]), int.MaxValue);

    /// <summary>The max timestamp of an encoded batch.</summary>
    public static long ReadMaxTimestamp(ReadOnlySpan<byte> batch)
        => BinaryPrimitives.ReadInt64LittleEndian(batch[RecordBatchHeader.MaxTimestampPosition..]);

    /// <summary>CRC-32C over bytes [16, length) of a batch.</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> batch) => Crc32C.Compute(batch[RecordBatchHeader.CrcStart..]);

    /// <summary>True when the stored CRC matches the batch bytes.</summary>
    public static bool CrcMatches(ReadOnlySpan<byte> batch)
        => batch.Length >= RecordBatchHeader.Size
           && BinaryPrimitives.ReadUInt32LittleEndian(batch[RecordBatchHeader.CrcPosition..]) == ComputeCrc(batch);

    /// <summary>
    /// Writes a batch holding only some consecutive records of <paramref name="batch"/> (a sound batch whose CRC the
    /// caller has checked): the records at byte positions [<paramref name="recordsStart"/>, <paramref name="recordsEnd"/>),
    /// which are <paramref name="count"/> records starting with record number <paramref name="firstIndex"/>. The copy's
    /// header is the original's with base offset <c>base + firstIndex</c>, the new length and record count, and a CRC
    /// computed over the copied bytes; first and max timestamp stay, so the records' timestamp deltas keep their
    /// meaning (PROTOCOL.md section 5.15). Returns the bytes written: 56 + the records' bytes.
    /// </summary>
    /// <exception cref="ArgumentException">The destination is too small or the positions are outside the records.</exception>
    public static int WriteSlice(ReadOnlySpan<byte> batch, int recordsStart, int recordsEnd, int firstIndex, int count, Span<byte> destination)
    {
        if (recordsStart < RecordBatchHeader.Size || recordsEnd <= recordsStart || recordsEnd > batch.Length || count < 1 || firstIndex < 0)
            throw new ArgumentException("The slice is outside the batch's records.");
        int length = RecordBatchHeader.Size + (recordsEnd - recordsStart);
        if (destination.Length < length) throw new ArgumentException("The destination is too small for the slice.", nameof(destination));
        batch[..RecordBatchHeader.Size].CopyTo(destination);
        batch[recordsStart..recordsEnd].CopyTo(destination[RecordBatchHeader.Size..]);
        var slice = destination[..length];
        BinaryPrimitives.WriteInt64LittleEndian(slice, ReadBaseOffset(batch) + firstIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(slice[RecordBatchHeader.LengthPosition..], (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(slice[RecordBatchHeader.RecordCountPosition..], (uint)count);
        BinaryPrimitives.WriteUInt32LittleEndian(slice[RecordBatchHeader.CrcPosition..], ComputeCrc(slice));
        return length;
    }

    /// <summary>
    /// Reads the declared length of the batch that starts <paramref name="data"/>, for walking a run of
    /// concatenated batches (a fetch response, a journal segment). Returns false when fewer than
    /// <see cref="RecordBatchHeader.Size"/> bytes are there, or the declared length is below the header size
    /// or above <paramref name="maxLength"/>; a length past the end of <paramref name="data"/> is returned as is.
    /// </summary>
    public static bool TryReadLength(ReadOnlySpan<byte> data, int maxLength, out int length)
    {
        length = 0;
        if (data.Length < RecordBatchHeader.Size) return false;
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(data[RecordBatchHeader.LengthPosition..]);
        if (declared < RecordBatchHeader.Size || declared > (uint)maxLength) return false;
        length = (int)declared;
        return true;
    }

    /// <summary>
    /// Checks an encoded batch as a broker must before storing it: exact length, format version, attributes
    /// this version supports, CRC, and that the records parse to exactly the declared count with no record
    /// longer than <paramref name="maxMessageBytes"/>. Returns <see cref="ErrorCode.None"/> when it is sound.
    /// </summary>
    public static ErrorCode Validate(ReadOnlySpan<byte> batch, int maxMessageBytes)
    {
        if (batch.Length < RecordBatchHeader.Size) return ErrorCode.CorruptBatch;
        var header = RecordBatchHeader.Read(batch);
        if (header.Length != batch.Length) return ErrorCode.CorruptBatch;
        switch (RecordBatchHeader.Check(header, batch.Length))
        {
            case BatchHeaderProblem.None: break;
            case BatchHeaderProblem.UnknownFormatVersion or BatchHeaderProblem.UnsupportedAttributes: return ErrorCode.UnsupportedFeature;
            default: return ErrorCode.CorruptBatch;
        }
        if (header.Crc != ComputeCrc(batch)) return ErrorCode.CorruptBatch;

        var walk = WalkRecords(batch, maxMessageBytes, out int count);
        if (walk != ErrorCode.None) return walk;
        return count == header.RecordCount ? ErrorCode.None : ErrorCode.CorruptBatch;
    }

    /// <summary>
    /// The size (PROTOCOL.md section 6.3: the record's <c>length</c> field, i.e. key, value, headers and the
    /// record's own framing, without the 4-byte length prefix) of the first record longer than
    /// <paramref name="maxMessageBytes"/>, or -1 when the walk finds none. For the error message once
    /// <see cref="Validate"/> returned <see cref="ErrorCode.MessageTooLarge"/>: the records before that one were
    /// checked then, so only their length prefixes are read here.
    /// </summary>
    public static long FirstOversizedRecordLength(ReadOnlySpan<byte> batch, int maxMessageBytes)
    {
        int position = RecordBatchHeader.Size;
        while (position <= batch.Length - 4)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(batch[position..]);
            if (length > (uint)maxMessageBytes) return length;
            if (length > (uint)(batch.Length - position - 4)) return -1;
            position += 4 + (int)length;
        }
        return -1;
    }

    // The broker walks every record of every published batch, so this is the hot half of Validate: plain index
    // arithmetic over the span instead of RecordBatchReader, with the same rules (PROTOCOL.md section 6.5).
    private static ErrorCode WalkRecords(ReadOnlySpan<byte> batch, int maxMessageBytes, out int count)
    {
        count = 0;
        int position = RecordBatchHeader.Size;
        int end = batch.Length;
        while (position < end)
        {
            if (end - position < 4) return ErrorCode.CorruptBatch;
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(batch[position..]);
            int body = position + 4;
            if (length > (uint)(end - body) || length < 10) return ErrorCode.CorruptBatch;
            int bodyEnd = body + (int)length;
            int cursor = body + 8;
            int keyLength = BinaryPrimitives.ReadInt32LittleEndian(batch[(body + 4)..]);
            if (keyLength != -1)
            {
                if (keyLength < 0 || keyLength > bodyEnd - cursor) return ErrorCode.CorruptBatch;
                cursor += keyLength;
            }
            if (bodyEnd - cursor < 2) return ErrorCode.CorruptBatch;
            int headerCount = BinaryPrimitives.ReadUInt16LittleEndian(batch[cursor..]);
            cursor += 2;
            for (int i = 0; i < headerCount; i++)
            {
                if (bodyEnd - cursor < 2) return ErrorCode.CorruptBatch;
                int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(batch[cursor..]);
                cursor += 2;
                if (nameLength > bodyEnd - cursor - 4) return ErrorCode.CorruptBatch;
                cursor += nameLength;
                uint valueLength = BinaryPrimitives.ReadUInt32LittleEndian(batch[cursor..]);
                cursor += 4;
                if (valueLength > (uint)(bodyEnd - cursor)) return ErrorCode.CorruptBatch;
                cursor += (int)valueLength;
            }
            if (length > (uint)maxMessageBytes) return ErrorCode.MessageTooLarge;
            count++;
            position = bodyEnd;
        }
        return ErrorCode.None;
    }
}
