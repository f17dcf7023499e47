namespace Lumen.Infrastructure.Common;

/// <summary>Singular or plural by count, so a line reads "1 named entry" and "2 named entries", never "entr(ies)".</summary>
public static class Counted
{
    public static string Noun(int count, string one, string many) => count == 1 ? one : many;
}
