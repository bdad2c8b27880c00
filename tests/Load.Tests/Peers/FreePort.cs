using System.Net;
using System.Net.Sockets;

namespace FastBroker.Load.Tests.Peers;

/// <summary>Loopback ports nobody listens on right now, so test servers never meet a developer's own peers.</summary>
public static class FreePort
{
    /// <summary><paramref name="count"/> distinct free ports: all are held open together while they are chosen.</summary>
    public static int[] Take(int count)
    {
        var listeners = new TcpListener[count];
        try
        {
            var ports = new int[count];
            for (int i = 0; i < count; i++)
            {
                listeners[i] = new TcpListener(IPAddress.Loopback, 0);
                listeners[i].Start();
                ports[i] = ((IPEndPoint)listeners[i].LocalEndpoint).Port;
            }
            return ports;
        }
        finally
        {
            foreach (var listener in listeners)
                listener?.Dispose();
        }
    }
}
