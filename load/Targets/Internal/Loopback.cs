using System.Net;

namespace FastBroker.Load.Targets.Internal;

/// <summary>The harness measures brokers on this machine only; an endpoint elsewhere is a configuration mistake.</summary>
internal static class Loopback
{
    /// <summary>Throws unless <paramref name="host"/> is localhost or a loopback address.</summary>
    public static void Require(string host, string endpoint)
    {
        string bare = host.Trim('[', ']');
        bool loopback = bare.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(bare, out var address) && IPAddress.IsLoopback(address));
        if (!loopback)
            throw new ArgumentException($"the load harness only targets loopback addresses, not '{endpoint}'", nameof(endpoint));
    }

    /// <summary>Splits "host:port" (the last colon, so "[::1]:6379" works) and checks the host.</summary>
    public static void RequireHostPort(string endpoint)
    {
        int colon = endpoint.LastIndexOf(':');
        Require(colon > 0 ? endpoint[..colon] : endpoint, endpoint);
    }

    /// <summary>Checks the host of a URI such as nats://127.0.0.1:4230 or amqp://guest:guest@127.0.0.1:5680/.</summary>
    public static Uri RequireUri(string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            throw new ArgumentException($"'{endpoint}' is not a URI", nameof(endpoint));
        Require(uri.Host, endpoint);
        return uri;
    }
}
