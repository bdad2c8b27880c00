using System.Text;
using System.Text.Unicode;
using FastBroker.Wire.Filters;

namespace FastBroker.Server.Sessions;

/// <summary>
/// The last few filters a connection sent, by their UTF-8 text, so a reader that repeats its FetchFiltered request
/// has its filter parsed once rather than on every request. Used only by the connection's receive loop: no locks.
/// </summary>
internal sealed class FilterCache
{
    // A reader normally sends one filter for all its partitions; a few slots cover readers of several topics.
    private const int Slots = 4;

    private readonly byte[]?[] _texts = new byte[Slots][];
    private readonly MessageFilter?[] _filters = new MessageFilter[Slots];
    private int _next;

    /// <summary>The parsed filter; false with the message an InvalidArgument answer carries when it is invalid.</summary>
    public bool TryGet(ReadOnlySpan<byte> utf8, out MessageFilter? filter, out string? error)
    {
        for (int i = 0; i < Slots; i++)
        {
            if (_texts[i] is { } text && utf8.SequenceEqual(text))
            {
                filter = _filters[i];
                error = null;
                return true;
            }
        }

        filter = null;
        if (!Utf8.IsValid(utf8))
        {
            error = "invalid filter: the filter is not well-formed UTF-8";
            return false;
        }
        if (!MessageFilter.TryParse(Encoding.UTF8.GetString(utf8), out filter, out string? reason))
        {
            error = $"invalid filter: {reason}";
            return false;
        }
        _texts[_next] = utf8.ToArray();
        _filters[_next] = filter;
        _next = (_next + 1) % Slots;
        error = null;
        return true;
    }
}
