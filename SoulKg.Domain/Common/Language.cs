namespace SoulKg.Domain;

/// <summary>The languages we write to clients in.</summary>
public static class Languages
{
    public const string Russian = "ru";
    public const string English = "en";
    public const string Kyrgyz = "ky";

    public static IReadOnlyList<string> All { get; } = [Russian, English, Kyrgyz];

    public static bool IsKnown(string? code) => code is Russian or English or Kyrgyz;
}
