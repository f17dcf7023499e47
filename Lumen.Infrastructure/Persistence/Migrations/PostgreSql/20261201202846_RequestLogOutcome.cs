using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lumen.Infrastructure.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class RequestLogOutcome : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Operation",
                table: "request_log",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "chat");

            migrationBuilder.AddColumn<string>(
                name: "Outcome",
                table: "request_log",
                type: "character varying(24)",
                maxLength: 24,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "RequestId",
                table: "request_log",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.Sql(RequestLogBackfill.Outcomes);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Operation",
                table: "request_log");

            migrationBuilder.DropColumn(
                name: "Outcome",
                table: "request_log");

            migrationBuilder.DropColumn(
                name: "RequestId",
                table: "request_log");
        }
    }
}
