namespace SoulKg.Web;

/// <summary>Anchor type for the UI strings in Resources/SharedResource*.resx (Russian neutral, English satellite).</summary>
public sealed class SharedResource;
