using System.Globalization;
using MudBlazor;
using SoulKg.Domain;
using SoulKg.Domain.Imports;
using SoulKg.Infrastructure.Import;

namespace SoulKg.Web.Features.Import;

/// <summary>How the import screens show statuses, times and formats.</summary>
public static class ImportFormat
{
    public static string Link(Guid runId) => "/settings/import/" + runId;

    public static string When(DateTimeOffset at) => BishkekTime.ToLocal(at).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);

    public static string Origin(ImportOrigin origin) => origin switch
    {
        ImportOrigin.Api => "API",
        ImportOrigin.Cli => "командная строка",
        _ => "загрузка",
    };

    public static string Status(ImportStatus status) => status switch
    {
        ImportStatus.Draft => "черновик",
        ImportStatus.Queued => "в очереди",
        ImportStatus.Running => "идёт",
        ImportStatus.Completed => "готово",
        ImportStatus.CompletedWithErrors => "готово с ошибками",
        _ => "ошибка",
    };

    public static Color Color(ImportStatus status) => status switch
    {
        ImportStatus.Completed => MudBlazor.Color.Success,
        ImportStatus.CompletedWithErrors => MudBlazor.Color.Warning,
        ImportStatus.Failed => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Info,
    };

    public static string FileStatusText(string status) => status switch
    {
        FileStatus.Imported => "импортирован",
        FileStatus.Failed => "отклонён",
        FileStatus.Running => "идёт",
        _ => "ждёт",
    };

    public static string Format(string format) => format switch
    {
        ImportFormats.WhatsAppAndroid => "WhatsApp (Android)",
        ImportFormats.WhatsAppIos => "WhatsApp (iPhone)",
        ImportFormats.Telegram => "Telegram",
        ImportFormats.Csv => "CSV",
        _ => "?",
    };
}
