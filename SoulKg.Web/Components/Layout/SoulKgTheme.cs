using MudBlazor;

namespace SoulKg.Web.Components.Layout;

public static class SoulKgTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#00796B",
            Secondary = "#F57C00",
            AppbarBackground = "#00695C",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#4DB6AC",
            Secondary = "#FFB74D",
        },
    };
}
