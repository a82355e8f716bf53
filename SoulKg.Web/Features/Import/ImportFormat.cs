using System.Globalization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using SoulKg.Domain;
using SoulKg.Domain.Imports;
using SoulKg.Infrastructure.Import;

namespace SoulKg.Web.Features.Import;

/// <summary>How the import screens show statuses, times, formats and report lines (texts from the Import_* resources).</summary>
public static class ImportFormat
{
    public static string Link(Guid runId) => "/settings/import/" + runId;

    public static string When(DateTimeOffset at) => BishkekTime.ToLocal(at).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);

    public static string Origin(IStringLocalizer l, ImportOrigin origin) => l["Import_Origin_" + origin];

    public static string Status(IStringLocalizer l, ImportStatus status) => l["Import_Status_" + status];

    public static Color Color(ImportStatus status) => status switch
    {
        ImportStatus.Completed => MudBlazor.Color.Success,
        ImportStatus.CompletedWithErrors => MudBlazor.Color.Warning,
        ImportStatus.Failed => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Info,
    };

    public static string FileStatusText(IStringLocalizer l, string status) => status switch
    {
        FileStatus.Imported => l["Import_FileStatus_Imported"],
        FileStatus.Failed => l["Import_FileStatus_Failed"],
        FileStatus.Running => l["Import_FileStatus_Running"],
        _ => l["Import_FileStatus_Pending"],
    };

    public static string Format(IStringLocalizer l, string format) => format switch
    {
        ImportFormats.WhatsAppAndroid => l["Import_Format_WhatsAppAndroid"],
        ImportFormats.WhatsAppIos => l["Import_Format_WhatsAppIos"],
        ImportFormats.Telegram => "Telegram",
        ImportFormats.Csv => "CSV",
        _ => "?",
    };

    public static string Field(IStringLocalizer l, CsvField field) => l["Import_Field_" + field];

    /// <summary>A warning or error with its line number ("строка 17: …" / "line 17: …").</summary>
    public static string Issue(IStringLocalizer l, ImportIssue issue) => issue.Line is { } line ? l["Import_Line", line, issue.Message] : issue.Message;
}
