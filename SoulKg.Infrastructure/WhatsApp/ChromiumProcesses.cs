using System.Diagnostics;
using System.Globalization;

namespace SoulKg.Infrastructure.WhatsApp;

/// <summary>
/// Finds a channel's Chromium by its profile folder (Playwright starts it with <c>--user-data-dir=&lt;profile&gt;</c>) in
/// /proc, to measure its memory (browser + renderers + helpers) and to kill it when it hangs. Linux only; elsewhere nothing.
/// </summary>
public static class ChromiumProcesses
{
    public static int? FindBrowser(string profileDir)
    {
        var flag = "--user-data-dir=" + Path.GetFullPath(profileDir);
        foreach (var pid in Pids())
        {
            var args = CommandLine(pid);
            if (args.Contains(flag) && !args.Any(a => a.StartsWith("--type=", StringComparison.Ordinal)))
            {
                return pid;
            }
        }

        return null;
    }

    /// <summary>
    /// Memory of the process and all its descendants, in bytes: the sum of their PSS (shared pages split between the
    /// processes sharing them), since a plain RSS sum counts Chromium's shared libraries once per process.
    /// </summary>
    public static long TreeRssBytes(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var pid in Pids())
        {
            if (ParentOf(pid) is { } parent)
            {
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
            }
        }

        long total = 0;
        var stack = new Stack<int>([root]);
        while (stack.Count > 0)
        {
            var pid = stack.Pop();
            total += RssBytes(pid);
            foreach (var child in children.GetValueOrDefault(pid) ?? [])
            {
                stack.Push(child);
            }
        }

        return total;
    }

    public static void KillTree(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }
    }

    private static IEnumerable<int> Pids() =>
        Directory.Exists("/proc")
            ? Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n is { Length: > 0 } && n.All(char.IsDigit)).Select(n => int.Parse(n!, CultureInfo.InvariantCulture))
            : [];

    private static string[] CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // "pid (comm) state ppid …": comm may hold spaces, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static long RssBytes(int pid)
    {
        try
        {
            var line = File.Exists($"/proc/{pid}/smaps_rollup")
                ? File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal))
                : File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }
}
