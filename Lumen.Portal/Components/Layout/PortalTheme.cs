using MudBlazor;

namespace Lumen.Portal.Components.Layout;

/// <summary>
/// MudBlazor's default palette, except the text colour of alerts (the "darken" shades), which by default is too light
/// on the tinted alert backgrounds (warning text 2.9:1, axe "serious"). These reach WCAG AA's 4.5:1.
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
            ErrorDarken = "#b71c1c",
        },
    };
}
