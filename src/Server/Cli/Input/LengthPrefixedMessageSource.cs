using System.Buffers.Binary;

namespace FastBroker.Server.Cli.Input;

/// <summary>Messages as a little-endian u32 byte count followed by that many bytes, back to back.</summary>
internal sealed class LengthPrefixedMessageSource(Stream input) : MessageSource
{
    private readonly byte[] _prefix = new byte[4];
    private long _read;

    public override async ValueTask<byte[]?> NextAsync(CancellationToken cancellationToken)
    {
        int got = await input.ReadAtLeastAsync(_prefix, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got == 0) return null;
        if (got < 4) throw new InvalidDataException($"the input ends inside a length prefix (byte {_read + got})");
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_prefix);
        _read += 4;
        if (length > Array.MaxLength)
            throw new InvalidDataException($"a length prefix of {length} bytes at byte {_read - 4} is larger than any message can be");

        // Filled in pieces so a wrong prefix on a short input fails without first allocating gigabytes.
        using var message = new MemoryStream();
        byte[] chunk = new byte[(int)Math.Min(length, 64 * 1024)];
        long left = length;
        while (left > 0)
        {
            int n = await input.ReadAsync(chunk.AsMemory(0, (int)Math.Min(left, chunk.Length)), cancellationToken).ConfigureAwait(false);
            if (n == 0)
                throw new InvalidDataException($"the input ends {left} bytes short of a {length}-byte message (at byte {_read})");
            message.Write(chunk, 0, n);
            left -= n;
            _read += n;
        }
        return message.ToArray();
    }
}
