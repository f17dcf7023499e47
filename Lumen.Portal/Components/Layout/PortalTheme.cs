using MudBlazor;

namespace Lumen.Portal.Components.Layout;

/// <summary>
/// MudBlazor's default palette, except colours used for text that are too light by default (axe "serious"): alert
/// text (the "darken" shades) on the tinted alert backgrounds (warning 2.9:1) and the error red of field messages
/// (3.7:1 on white). These reach WCAG AA's 4.5:1.
/// </summary>
public static class PortalTheme
{
    public static MudTheme Value { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            InfoDarken = "#0d47a1",
            SuccessDarken = "#1b5e20",
            WarningDarken = "#8a4b00",
            Error = "#d32f2f",
            ErrorDarken = "#b71c1c",
        },
    };
}
