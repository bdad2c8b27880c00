namespace FastBroker.Server.Cli.Input;

/// <summary>
/// Messages separated by one delimiter byte, which is not part of any message. A delimiter at the very end ends the
/// last message rather than starting an empty one, so "a\nb\n" and "a\nb" are both two messages; two delimiters in a
/// row are an empty message between them. No other byte is special.
/// </summary>
internal sealed class DelimitedMessageSource(Stream input, byte delimiter) : MessageSource
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _ended;

    public override async ValueTask<byte[]?> NextAsync(CancellationToken cancellationToken)
    {
        int scanned = _start;
        while (true)
        {
            int found = _buffer.AsSpan(scanned, _end - scanned).IndexOf(delimiter);
            if (found >= 0)
            {
                int stop = scanned + found;
                byte[] message = _buffer[_start..stop];
                _start = stop + 1;
                return message;
            }
            scanned = _end;
            if (_ended)
            {
                if (_start == _end) return null;
                byte[] last = _buffer[_start.._end];
                _start = _end;
                return last;
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                scanned -= _start;
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
                Array.Resize(ref _buffer, _buffer.Length * 2);
            int read = await input.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0) _ended = true;
            else _end += read;
        }
    }
}
