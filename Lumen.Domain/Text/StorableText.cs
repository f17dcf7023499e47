using System.Text;

namespace Lumen.Domain.Text;

/// <summary>
/// Text every database we run stores as it is: no NUL (PostgreSQL refuses 0x00 in text; SQLite keeps it) and valid
/// UTF-16 (a lone surrogate has no UTF-8 form). Names people choose are refused unless storable; a caller's model
/// name, which must still reach its log row, is stored in <see cref="Replace"/>'s form.
/// </summary>
public static class StorableText
{
    public const char Replacement = '\uFFFD';

    /// <summary>What to tell a person whose text is not storable, after what the text is (<c>A key name</c> …).</summary>
    public const string Rule = "cannot hold NUL characters or text that is not valid Unicode.";

    public static bool IsStorable(string text) => FirstUnstorable(text) < 0;

    /// <summary>
    /// <paramref name="text"/> with each NUL and lone surrogate as U+FFFD, cut to at most <paramref name="maxLength"/>
    /// UTF-16 units without splitting a surrogate pair (a half would be a lone surrogate again).
    /// </summary>
    public static string Replace(string text, int maxLength = int.MaxValue)
    {
        if (text.Length > maxLength) text = text[..(char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength)];
        var at = FirstUnstorable(text);
        if (at < 0) return text;
        var storable = new StringBuilder(text.Length);
        storable.Append(text, 0, at);
        for (var i = at; i < text.Length; i++)
        {
            if (IsPair(text, i)) storable.Append(text, i++, 2);
            else storable.Append(text[i] == '\0' || char.IsSurrogate(text[i]) ? Replacement : text[i]);
        }
        return storable.ToString();
    }

    private static int FirstUnstorable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsPair(text, i)) i++;
            else if (text[i] == '\0' || char.IsSurrogate(text[i])) return i;
        }
        return -1;
    }

    private static bool IsPair(string text, int i) => char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
}
