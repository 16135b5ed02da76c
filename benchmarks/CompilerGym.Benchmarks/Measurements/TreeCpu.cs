namespace CompilerGym.Benchmarks.Measurements;

/// <summary>
/// CPU time used by this process and every process below it (a server's workers, their sandboxes),
/// read from /proc. On a machine with few cores, throughput is bounded by CPU per step; this says
/// where a way of stepping spends more of it than another, whatever else the machine is doing.
/// </summary>
internal static class TreeCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on

    /// <summary>CPU seconds so far, per process of the tree (by pid), user plus system.</summary>
    public static Dictionary<int, double> Read()
    {
        var parents = new Dictionary<int, int>();
        var seconds = new Dictionary<int, double>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; } // it exited meanwhile
            // Fields after the command name, which may hold spaces: state ppid ... utime(14) stime(15).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            parents[pid] = int.Parse(fields[1]);
            seconds[pid] = (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
        }
        int self = Environment.ProcessId;
        bool InTree(int pid)
        {
            for (int depth = 0; depth < 64 && pid > 1; depth++, pid = parents.GetValueOrDefault(pid))
                if (pid == self) return true;
            return false;
        }
        return seconds.Where(p => InTree(p.Key)).ToDictionary();
    }

    /// <summary>CPU seconds the tree used between two readings; processes that ended between them are not counted.</summary>
    public static double Between(Dictionary<int, double> before, Dictionary<int, double> after) =>
        after.Sum(p => p.Value - before.GetValueOrDefault(p.Key));
}
