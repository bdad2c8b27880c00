namespace FastBroker.Server.Sessions;

/// <summary>
/// What one <see cref="FilteredScan"/> produced: a whole FetchFiltered response frame (<paramref name="Length"/>
/// bytes of <paramref name="Frame"/>, rented from <c>BatchBuffers.Pool</c>; whoever sends or drops it returns it).
/// </summary>
/// <param name="Frame">The frame, header included.</param>
/// <param name="Length">Bytes of the frame.</param>
/// <param name="NextOffset">The offset after the last record examined.</param>
/// <param name="Ranges">Ranges in the frame; 0 when nothing matched.</param>
/// <param name="ReachedEnd">The scan stopped at the committed end of the log (not at max bytes or the scan budget).</param>
internal readonly record struct FilteredScanResult(byte[] Frame, int Length, long NextOffset, int Ranges, bool ReachedEnd);
