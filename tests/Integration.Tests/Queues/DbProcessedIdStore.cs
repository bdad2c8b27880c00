// The processed-id store of docs/QUEUES.md, compiled as the guide shows it (hence no namespace) and run by
// QueuesGuideExampleTests over SQLite.
#pragma warning disable CA1050
// sample-begin: db-store
using System.Collections.Concurrent;
using System.Data.Common;
using FastBroker.ClientLite;
using FastBroker.ClientLite.Idempotency;

/// Marks ids in table "processed" inside a transaction that the handler's side effects share.
public sealed class DbProcessedIdStore(DbDataSource dataSource) : IProcessedIdStore
{
    private readonly ConcurrentDictionary<string, DbTransaction> _open = new();

    public async ValueTask<bool> TryMarkProcessedAsync(string id, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        var transaction = await connection.BeginTransactionAsync(ct);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO processed (id) VALUES (@id) ON CONFLICT DO NOTHING";
        var parameter = insert.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = id;
        insert.Parameters.Add(parameter);
        if (await insert.ExecuteNonQueryAsync(ct) == 0)
        {
            // A duplicate (the row exists, or another delivery just committed it): nothing to do.
            await EndAsync(transaction, commit: true, ct);
            return false;
        }
        _open[id] = transaction;
        return true;
    }

    /// The open transaction of message <paramref name="id"/>: run the side effects in it.
    public DbTransaction TransactionFor(string id) => _open[id];

    /// Processing succeeded: commit the mark and the side effects as one.
    public async ValueTask CommitAsync(string id, CancellationToken ct)
    {
        if (_open.TryRemove(id, out var transaction))
            await EndAsync(transaction, commit: true, ct);
    }

    /// Processing failed: roll back the mark together with whatever the handler did.
    public async ValueTask ForgetAsync(string id, CancellationToken ct)
    {
        if (_open.TryRemove(id, out var transaction))
            await EndAsync(transaction, commit: false, ct);
    }

    private static async ValueTask EndAsync(DbTransaction transaction, bool commit, CancellationToken ct)
    {
        var connection = transaction.Connection;
        if (commit)
            await transaction.CommitAsync(ct);
        else
            await transaction.RollbackAsync(ct);
        await transaction.DisposeAsync();
        if (connection is not null)
            await connection.DisposeAsync();
    }
}
// sample-end
