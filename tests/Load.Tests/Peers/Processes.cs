namespace FastBroker.Load.Tests.Peers;

/// <summary>Whether a process is still running, read from /proc (a zombie waiting to be reaped is not).</summary>
public static class Processes
{
    public static bool IsRunning(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        // "pid (comm) S ...": the state follows the last ')' because comm may itself contain ')'.
        int close = stat.LastIndexOf(')');
        return close > 0 && close + 2 < stat.Length && stat[close + 2] != 'Z';
    }
}
