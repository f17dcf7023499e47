namespace Lumen.Domain.Text;

/// <summary>
/// Singular or plural by count, so a line reads "1 named entry" and "2 named entries", never "entr(ies)": the portal's
/// one rule for it (its pages write a count and its noun with <c>Words.Count(count, one, many)</c>).
/// </summary>
public static class Counted
{
    public static string Noun(long count, string one, string many) => count == 1 ? one : many;
}
