using FastBroker.Server.Topics;

namespace FastBroker.Server.Sessions;

/// <summary>Temporary topics (PROTOCOL.md 5.3): the ones this connection created, deleted when it closes.</summary>
internal sealed partial class Session
{
    private readonly Lock _ownedLock = new();
    private List<Topic>? _ownedTopics;
    private bool _ownerGone;
    private Task _ownedTopicsDeleted = Task.CompletedTask;

    /// <summary>Completes once the temporary topics this connection created are deleted, after <see cref="Complete"/>.
    /// The connection waits for it, so a stopping broker closes its topics only after them.</summary>
    public Task OwnedTopicsDeleted => Volatile.Read(ref _ownedTopicsDeleted);

    private ValueTask OwnAsync(Topic topic)
    {
        lock (_ownedLock)
        {
            if (!_ownerGone)
            {
                (_ownedTopics ??= []).Add(topic);
                return ValueTask.CompletedTask;
            }
        }
        // The connection closed while the topic was being created: it has no owner left to outlive.
        return new ValueTask(DeleteOwnedAsync([topic]));
    }

    private void ReleaseOwnedTopics()
    {
        List<Topic>? owned;
        lock (_ownedLock)
        {
            if (_ownerGone) return;
            _ownerGone = true;
            owned = _ownedTopics;
            _ownedTopics = null;
        }
        if (owned is not null) Volatile.Write(ref _ownedTopicsDeleted, DeleteOwnedAsync(owned));
    }

    // Nobody answers for this work, so every failure ends here, logged: a topic that could not be deleted keeps its
    // temporary mark on disk and goes at the next start.
    private async Task DeleteOwnedAsync(List<Topic> owned)
    {
        foreach (var topic in owned)
        {
            try
            {
                var (code, _) = await _broker.Topics.DeleteAsync(topic.Name, only: topic).ConfigureAwait(false);
                // UnknownTopic: someone deleted it before. StorageError: the registry logged it, and the mark on disk
                // has the next start delete it (with its positions).
                if (code != Wire.ErrorCode.None) continue;
                _broker.Positions.RemoveTopic(topic.Name);
                SessionLog.TemporaryTopicDeleted(_logger, ConnectionId, topic.Name);
            }
            catch (Exception ex)
            {
                SessionLog.TemporaryTopicNotDeleted(_logger, ConnectionId, topic.Name, ex);
            }
        }
    }
}
