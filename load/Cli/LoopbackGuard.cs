using System.Net;

namespace FastBroker.Load.Cli;

/// <summary>
/// The harness drives brokers on this machine only (a load test aimed at someone else's server is an attack), so
/// every endpoint must name a loopback host: an address in 127.0.0.0/8, ::1, or localhost. No name is looked up.
/// </summary>
internal static class LoopbackGuard
{
    /// <summary>
    /// The host named by <paramref name="endpoint"/>: "host:port", "host", "[::1]:port", a URL such as
    /// "nats://host:port" or "amqp://user:pass@host:port/", or a Redis configuration "host:port,option=value".
    /// False when no host can be found.
    /// </summary>
    public static bool TryGetHost(string? endpoint, out string host)
    {
        host = "";
        if (string.IsNullOrWhiteSpace(endpoint))
            return false;
        string text = endpoint.Trim();
        if (text.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
                return false;
            host = uri.Host.Trim('[', ']');
            return true;
        }

        int comma = text.IndexOf(',', StringComparison.Ordinal);
        if (comma >= 0)
            text = text[..comma];
        if (IPEndPoint.TryParse(text, out var ip))
        {
            host = ip.Address.ToString();
            return true;
        }
        int colon = text.LastIndexOf(':');
        host = colon < 0 ? text : text[..colon];
        return host.Length > 0 && !host.Contains(':', StringComparison.Ordinal);
    }

    /// <summary>True for localhost and loopback addresses (127.0.0.0/8, ::1).</summary>
    public static bool IsLoopbackHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address) && !address.IsIPv4MappedToIPv6;
    }

    /// <summary>Null when <paramref name="endpoint"/> is on loopback, else the error to show for <paramref name="option"/>.</summary>
    public static string? Check(string option, string endpoint)
    {
        if (!TryGetHost(endpoint, out string host))
            return $"{option}: '{endpoint}' is not an address (expected HOST:PORT or a URL)";
        if (!IsLoopbackHost(host))
            return $"{option}: '{host}' is not a loopback host; the harness only drives brokers on this machine (127.0.0.0/8, ::1 or localhost)";
        return null;
    }
}
