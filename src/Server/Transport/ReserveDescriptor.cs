using Microsoft.Win32.SafeHandles;

namespace FastBroker.Server.Transport;

/// <summary>
/// One descriptor held back (on /dev/null) for the moment the process runs out: closing it frees a slot to accept
/// the waiting client and refuse it with a clear error, instead of leaving it in the backlog until it times out.
/// </summary>
internal sealed class ReserveDescriptor : IDisposable
{
    private SafeFileHandle? _handle;

    public ReserveDescriptor() => TryReopen();

    public bool IsHeld => _handle is not null;

    /// <summary>Gives the descriptor up so the next accept can succeed.</summary>
    public void Release()
    {
        _handle?.Dispose();
        _handle = null;
    }

    /// <summary>Takes a descriptor again; false while the process is still at its limit (retried later).</summary>
    public bool TryReopen()
    {
        if (_handle is not null) return true;
        try
        {
            _handle = File.OpenHandle(OperatingSystem.IsWindows() ? "NUL" : "/dev/null", FileMode.Open, FileAccess.Read);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose() => Release();
}
