using System.Globalization;
using System.Net;

namespace FastBroker.Load.Tests.Peers;

/// <summary>Reads the kernel's TCP tables to see on which local addresses a port is listening.</summary>
public static class ListeningSockets
{
    private const string ListenState = "0A";

    /// <summary>Every local address with a socket listening on <paramref name="port"/>, IPv4 and IPv6.</summary>
    public static IReadOnlyList<IPAddress> On(int port)
    {
        var found = new List<IPAddress>();
        Collect("/proc/net/tcp", port, found);
        Collect("/proc/net/tcp6", port, found);
        return found;
    }

    private static void Collect(string table, int port, List<IPAddress> found)
    {
        if (!File.Exists(table))
            return;
        foreach (string line in File.ReadLines(table).Skip(1))
        {
            // "sl local_address rem_address st ..." with local_address as HEXADDR:HEXPORT
            string[] columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length < 4 || columns[3] != ListenState)
                continue;
            string[] local = columns[1].Split(':');
            if (int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) != port)
                continue;
            found.Add(ParseAddress(local[0]));
        }
    }

    // The kernel prints each 32-bit word of the address in host (little-endian) order.
    private static IPAddress ParseAddress(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);
        for (int word = 0; word < bytes.Length; word += 4)
            Array.Reverse(bytes, word, 4);
        return new IPAddress(bytes);
    }
}
