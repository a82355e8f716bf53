using System.Globalization;

namespace SoulKg.Benchmarks;

/// <summary>
/// <c>--name value</c>, <c>--name=value</c> and bare <c>--flag</c> options. Benchmarks read what they need
/// with bounds, then call <see cref="EnsureAllUsed"/> so a mistyped option fails instead of being ignored.
/// </summary>
public sealed class BenchmarkArgs
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _used = [];

    private BenchmarkArgs(Dictionary<string, string> values) => _values = values;

    public static BenchmarkArgs Parse(ReadOnlySpan<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new ArgumentException($"Unexpected argument '{arg}' (options look like --name value).");
            }

            string name, value;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[2..equals];
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                value = args[++i];
            }
            else
            {
                name = arg[2..];
                value = "true";
            }

            if (!values.TryAdd(name, value))
            {
                throw new ArgumentException($"Option --{name} is given twice.");
            }
        }

        return new BenchmarkArgs(values);
    }

    public string GetString(string name, string fallback) => Take(name) ?? fallback;

    public bool GetFlag(string name) => Take(name) is { } value && value is not ("false" or "0" or "no");

    public int GetInt(string name, int fallback, int min, int max)
    {
        if (Take(name) is not { } raw)
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"--{name} must be a whole number from {min} to {max} (got '{raw}').");
        }

        return value;
    }

    public Uri GetBaseUrl(string name, string fallback)
    {
        var raw = GetString(name, fallback);
        if (!Uri.TryCreate(raw.EndsWith('/') ? raw : raw + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--{name} must be an absolute http(s) URL (got '{raw}').");
        }

        return uri;
    }

    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException("Unknown option(s): " + string.Join(", ", unknown.Select(k => "--" + k)));
        }
    }

    private string? Take(string name)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name);
    }
}
