using Microsoft.Extensions.Localization;

namespace SoulKg.Web.Features.Audit;

public static class AuditLabels
{
    /// <summary>The entity's name in the UI language; entities added by other features show their class name until they add a key.</summary>
    public static string EntityType(IStringLocalizer localizer, string entityType)
    {
        var label = localizer["Entity_" + entityType];
        return label.ResourceNotFound ? entityType : label.Value;
    }
}
