using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using FastBroker.Wire;

namespace FastBroker.ClientLite.Internal;

/// <summary>Parses "host:port", "host", "1.2.3.4:port" and "[::1]:port" into an endpoint to connect to.</summary>
internal static class BrokerEndpoint
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out EndPoint? endpoint)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();
        if (IPEndPoint.TryParse(text, out var ip))
        {
            // Port 0 cannot be connected to, so it can only mean "no port given".
            if (ip.Port == 0)
                ip.Port = Protocol.DefaultPort;
            endpoint = ip;
            return true;
        }

        int colon = text.LastIndexOf(':');
        string host = colon < 0 ? text : text[..colon];
        int port = Protocol.DefaultPort;
        if (colon >= 0 && !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port))
            return false;
        if (host.Length == 0 || port is < 1 or > 65535 || host.Contains(':', StringComparison.Ordinal))
            return false;
        endpoint = new DnsEndPoint(host, port);
        return true;
    }

    public static EndPoint Parse(string text)
        => TryParse(text, out var endpoint)
            ? endpoint
            : throw new ArgumentException($"'{text}' is not a broker address (expected HOST:PORT).", nameof(text));
}
