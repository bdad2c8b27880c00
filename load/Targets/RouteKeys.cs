using System.Globalization;
using System.Text;

namespace FastBroker.Load.Targets;

/// <summary>
/// The keys of a routed run (<c>--routes N</c>): message i of a publisher carries the key <c>r{i % N}.{j}</c>, so each
/// of the N routes gets 1/N of every publisher's messages, and route k's destination takes exactly the keys matching
/// <c>r{k}.#</c> (a FastBroker filter <c>key ~ "r{k}.#"</c>, a RabbitMQ topic binding <c>r{k}.#</c>).
/// </summary>
/// <remarks>
/// The second word j cycles through <see cref="WordsPerRoute"/> values because FastBroker places a keyed message by
/// the hash of its key: with one key per route, each route would sit on one partition, and a run with fewer routes
/// than partitions would leave partitions empty. Every key is encoded once here, so a publish allocates nothing
/// for it. Immutable, safe to share between publishers.
/// </remarks>
public sealed class RouteKeys
{
    /// <summary>Most routes a run may have.</summary>
    public const int MaxRoutes = 64;

    /// <summary>Distinct second words per route (see the remarks).</summary>
    public const int WordsPerRoute = 16;

    private readonly byte[][] _utf8;
    private readonly string[] _text;

    /// <summary>The keys of <paramref name="routes"/> routes (1 .. <see cref="MaxRoutes"/>).</summary>
    public RouteKeys(int routes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(routes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(routes, MaxRoutes);
        Routes = routes;
        // Key index x = i % (routes * WordsPerRoute) has route x % routes, as i % routes: the cycle is a multiple of routes.
        _text = new string[routes * WordsPerRoute];
        _utf8 = new byte[_text.Length][];
        for (int x = 0; x < _text.Length; x++)
        {
            _text[x] = string.Create(CultureInfo.InvariantCulture, $"r{x % routes}.{x / routes}");
            _utf8[x] = Encoding.UTF8.GetBytes(_text[x]);
        }
    }

    /// <summary>Number of routes.</summary>
    public int Routes { get; }

    /// <summary>Every distinct key, in the order message indexes cycle through them.</summary>
    public IReadOnlyList<string> All => _text;

    /// <summary>The route of message <paramref name="index"/>: index % <see cref="Routes"/>.</summary>
    public int RouteOf(long index) => (int)(index % Routes);

    /// <summary>The key of message <paramref name="index"/> (0-based, counted per publisher), UTF-8.</summary>
    public byte[] Utf8(long index) => _utf8[Slot(index)];

    /// <summary>The key of message <paramref name="index"/> as text.</summary>
    public string Text(long index) => _text[Slot(index)];

    /// <summary>The routing pattern of route <paramref name="route"/>: <c>r{route}.#</c>.</summary>
    public static string Pattern(int route) => string.Create(CultureInfo.InvariantCulture, $"r{route}.#");

    /// <summary>The FastBroker filter of route <paramref name="route"/>: <c>key ~ "r{route}.#"</c> (PROTOCOL.md section 14).</summary>
    public static string Filter(int route) => $"key ~ \"{Pattern(route)}\"";

    private int Slot(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return (int)(index % _text.Length);
    }
}
