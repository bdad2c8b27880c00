using FastBroker.ClientLite.Internal;
using FastBroker.Wire;

namespace FastBroker.ClientLite;

public sealed partial class TopicReader
{
    /// <summary>
    /// Index of a cursor whose fetch completed, checking them in rotating order so a busy partition cannot starve
    /// the rest; -1 when <paramref name="refresh"/> is due, -2 when <paramref name="heartbeat"/> is (both checked
    /// first: they are rare, and busy partitions would otherwise postpone them forever).
    /// </summary>
    private async ValueTask<int> WaitAnyAsync(Task? refresh, Task? heartbeat)
    {
        var cursors = _cursors;
        if (cursors.Length == 1 && refresh is null && heartbeat is null)
            return 0;
        while (true)
        {
            if (heartbeat is { IsCompleted: true })
                return -2;
            if (refresh is { IsCompleted: true })
                return -1;
            for (int n = 0; n < cursors.Length; n++)
            {
                int i = (_rotation + n) % cursors.Length;
                if (cursors[i].Fetch!.IsCompleted)
                {
                    _rotation = i + 1;
                    return i;
                }
            }

            int count = cursors.Length + (refresh is null ? 0 : 1) + (heartbeat is null ? 0 : 1);
            if (_waiting.Length != count)
                _waiting = new Task[count];
            for (int i = 0; i < cursors.Length; i++)
                _waiting[i] = cursors[i].Fetch!;
            int timers = cursors.Length;
            if (refresh is not null)
                _waiting[timers++] = refresh;
            if (heartbeat is not null)
                _waiting[timers] = heartbeat;
            await Task.WhenAny(_waiting).ConfigureAwait(false);
            Array.Clear(_waiting);
        }
    }

    /// <summary>Abandons every outstanding fetch; the next fetches start at the positions yielded so far.</summary>
    private void DrainAll()
    {
        foreach (var cursor in _cursors)
        {
            Drain(cursor);
            cursor.FetchOffset = cursor.Position;
        }
    }

    /// <summary>Abandons the cursor's fetch, returning its buffer if it still succeeds.</summary>
    private static void Drain(PartitionCursor cursor)
    {
        var fetch = cursor.Fetch;
        cursor.Fetch = null;
        fetch?.ContinueWith(static t =>
        {
            if (t.IsCompletedSuccessfully)
                t.Result.Dispose();
            else
                _ = t.Exception; // observed: the reader has moved on from this fetch
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async ValueTask ReconnectAsync(Exception cause, CancellationToken cancellationToken)
    {
        var old = _connection;
        _connection = null;
        if (old is not null)
            await old.DisposeAsync().ConfigureAwait(false);

        long began = _time.GetTimestamp();
        var backoff = _options.InitialReconnectBackoff;
        var last = cause;
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var elapsed = _time.GetElapsedTime(began);
            if (elapsed >= _options.ReconnectTimeout)
                throw new BrokerConnectionException($"Could not reconnect to {_endpoint} within {_options.ReconnectTimeout}: {last.Message}", last);

            // Jitter keeps many readers that lost the same broker from reconnecting in lockstep.
            var delay = backoff * (0.5 + Random.Shared.NextDouble() * 0.5);
            if (delay > _options.ReconnectTimeout - elapsed)
                delay = _options.ReconnectTimeout - elapsed;
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            try
            {
                _connection = await BrokerConnection.ConnectAsync(_endpoint, _options.Connection, cancellationToken).ConfigureAwait(false);
                ConnectionCount++;
                return;
            }
            catch (Exception e) when (IsConnectionLoss(e))
            {
                last = e;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxReconnectBackoff.Ticks));
        }
    }
}
