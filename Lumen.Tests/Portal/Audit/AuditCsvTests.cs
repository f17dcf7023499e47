using Lumen.Portal.Audit;
using Lumen.Portal.Display;

namespace Lumen.Tests.Portal.Audit;

/// <summary>The CSV export's cells: RFC 4180 quoting, and text a spreadsheet would run as a formula made inert.</summary>
public sealed class AuditCsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a, b", "\"a, b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@sum", "'@sum")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData(null, "")]
    public void Text_cells_are_quoted_and_neutralised(string? value, string cell) => Csv.Text(value).Should().Be(cell);

    [Fact]
    public void A_row_writes_numbers_as_they_are_and_the_time_in_utc()
    {
        var entry = new Lumen.Infrastructure.Audit.AuditEntry(42, new DateTime(2026, 3, 1, 9, 0, 5, DateTimeKind.Utc), "cli",
            "client.created", "created alpha", null, "alpha", 1);

        AuditCsv.Row(entry).Should().Be("42,2026-03-01T09:00:05Z,cli,client.created,alpha,1,created alpha,,");
    }
}
