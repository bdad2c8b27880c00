using System.Net;
using System.Text;
using FastBroker.ClientLite;
using FastBroker.Server.Hosting;
using FastBroker.Wire.Records;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastBroker.Server.Tests.Support;

/// <summary>The real broker hosted in the test process on 127.0.0.1 with a free port and a temp data directory.</summary>
internal sealed class InProcessBroker : IAsyncDisposable
{
    private readonly BrokerHost _host;
    private readonly string _data;

    public InProcessBroker(Func<ServerOptions, ServerOptions>? configure = null)
    {
        _data = Path.Combine(Path.GetTempPath(), $"fb-inproc-{Guid.NewGuid():N}");
        var options = new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), DataDirectory = _data };
        if (configure is not null) options = configure(options);
        _host = BrokerHost.Start(options, NullLoggerFactory.Instance, TimeProvider.System);
        Endpoint = _host.Endpoint.ToString();
    }

    public string Endpoint { get; }

    /// <summary>Every value stored in one partition, as UTF-8 text, in offset order.</summary>
    public async Task<List<string>> ValuesAsync(string topic, int partition)
    {
        await using var connection = await BrokerConnection.ConnectAsync(Endpoint);
        using var fetched = await connection.FetchAsync(topic, partition, 0, 1 << 20, TimeSpan.Zero);
        var values = new List<string>();
        var batches = fetched.Batches.Span;
        while (RecordBatch.TryReadLength(batches, int.MaxValue, out int length) && length <= batches.Length)
        {
            var reader = new RecordBatchReader(batches[..length]);
            while (reader.TryReadNext(out var record) == RecordReadStatus.Ok)
                values.Add(Encoding.UTF8.GetString(record.Value));
            batches = batches[length..];
        }
        return values;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }
}
