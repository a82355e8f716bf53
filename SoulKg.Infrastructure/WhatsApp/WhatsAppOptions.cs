using SoulKg.Domain.Conversations;

namespace SoulKg.Infrastructure.WhatsApp;

/// <summary>The <c>WhatsApp</c> configuration section (README, Configuration; docs/runbook.md).</summary>
public sealed class WhatsAppOptions
{
    public const string Section = "WhatsApp";

    /// <summary>Whether this instance runs the browser host at all (an instance that only serves screens may say no).</summary>
    public bool HostEnabled { get; set; } = true;

    /// <summary>The mode of channels created by "Подключить WhatsApp".</summary>
    public ChannelMode Mode { get; set; } = ChannelMode.WhatsAppWeb;
    public string ChromiumPath { get; set; } = "/usr/bin/chromium";

    /// <summary>One browser profile folder per channel under here; empty means <c>&lt;SoulKg:DataPath&gt;/whatsapp</c>.</summary>
    public string? ProfilesPath { get; set; }
    public bool Headless { get; set; } = true;
    public string Url { get; set; } = "https://web.whatsapp.com/";

    /// <summary>The emulated WhatsApp Web and its phone page. Never on in the Production environment, whatever this says.</summary>
    public bool SandboxEnabled { get; set; }

    /// <summary>Pacing of new channels (each channel keeps its own afterwards).</summary>
    public int SendsPerMinute { get; set; } = 20;
    public int TypingMilliseconds { get; set; } = 1200;

    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan WatchdogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A page that does not answer a ping within this long counts as hung.</summary>
    public TimeSpan WatchdogTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan FirstRestartDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The sandbox's QR rotation (the real site: about 20 s, a few times, then it stops until refreshed).</summary>
    public int SandboxQrRotateSeconds { get; set; } = 20;
    public int SandboxQrRotations { get; set; } = 5;
}
