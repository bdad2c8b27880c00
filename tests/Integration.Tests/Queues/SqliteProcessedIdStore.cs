using System.Collections.Concurrent;
using System.Data.Common;
using FastBroker.ClientLite.Idempotency;
using Microsoft.Data.Sqlite;

namespace FastBroker.IntegrationTests.Queues;

/// <summary>
/// The processed-id store of docs/QUEUES.md (<c>DbProcessedIdStore</c>) with one change for SQLite: the transaction
/// begins IMMEDIATE. The guide's portable <c>BeginTransactionAsync</c> is DEFERRED on SQLite, which lets two deliveries
/// of one message both read before either writes and fail with SQLITE_BUSY; the concurrent-duplicates test needs
/// the second to wait, as PostgreSQL's row lock makes it.
/// </summary>
internal sealed class SqliteProcessedIdStore(string connectionString) : IProcessedIdStore
{
    private readonly ConcurrentDictionary<string, DbTransaction> _open = new();

    public async ValueTask<bool> TryMarkProcessedAsync(string id, CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        // IMMEDIATE takes the write lock at BEGIN, as PostgreSQL's INSERT takes the row lock: a second delivery
        // of the same message waits here until the first commits or rolls back.
        var transaction = (DbTransaction)connection.BeginTransaction(deferred: false);
        await using var insert = connection.CreateCommand();
        insert.Transaction = (SqliteTransaction)transaction;
        insert.CommandText = "INSERT INTO processed (id) VALUES ($1) ON CONFLICT DO NOTHING";
        insert.Parameters.AddWithValue("$1", id);
        if (await insert.ExecuteNonQueryAsync(ct) == 0)
        {
            await EndAsync(transaction, commit: true, ct);
            return false;
        }
        _open[id] = transaction;
        return true;
    }

    public DbTransaction TransactionFor(string id) => _open[id];

    public async ValueTask CommitAsync(string id, CancellationToken ct)
    {
        if (_open.TryRemove(id, out var transaction))
            await EndAsync(transaction, commit: true, ct);
    }

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
