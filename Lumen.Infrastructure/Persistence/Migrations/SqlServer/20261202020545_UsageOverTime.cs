using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lumen.Infrastructure.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class UsageOverTime : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "balance_hours",
                columns: table => new
                {
                    ClientId = table.Column<int>(type: "int", nullable: false),
                    Hour = table.Column<DateTime>(type: "datetime2", nullable: false),
                    BalanceMicros = table.Column<long>(type: "bigint", nullable: false),
                    BalanceAsOfMs = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_balance_hours", x => new { x.ClientId, x.Hour });
                    table.ForeignKey(
                        name: "FK_balance_hours_clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "usage_days",
                columns: table => new
                {
                    Day = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ClientId = table.Column<int>(type: "int", nullable: false),
                    Calls = table.Column<long>(type: "bigint", nullable: false),
                    InputTokens = table.Column<long>(type: "bigint", nullable: false),
                    OutputTokens = table.Column<long>(type: "bigint", nullable: false),
                    CoinsMicros = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_days", x => new { x.Day, x.ClientId });
                    table.ForeignKey(
                        name: "FK_usage_days_clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "usage_hours",
                columns: table => new
                {
                    ClientId = table.Column<int>(type: "int", nullable: false),
                    Hour = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Model = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Outcome = table.Column<string>(type: "nvarchar(24)", maxLength: 24, nullable: false),
                    Calls = table.Column<long>(type: "bigint", nullable: false),
                    InputTokens = table.Column<long>(type: "bigint", nullable: false),
                    OutputTokens = table.Column<long>(type: "bigint", nullable: false),
                    CoinsMicros = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_hours", x => new { x.ClientId, x.Hour, x.Model, x.Outcome });
                    table.ForeignKey(
                        name: "FK_usage_hours_clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "usage_total_hours",
                columns: table => new
                {
                    Hour = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Outcome = table.Column<string>(type: "nvarchar(24)", maxLength: 24, nullable: false),
                    Shard = table.Column<int>(type: "int", nullable: false),
                    Calls = table.Column<long>(type: "bigint", nullable: false),
                    InputTokens = table.Column<long>(type: "bigint", nullable: false),
                    OutputTokens = table.Column<long>(type: "bigint", nullable: false),
                    CoinsMicros = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_total_hours", x => new { x.Hour, x.Outcome, x.Shard });
                });

            migrationBuilder.CreateIndex(
                name: "IX_usage_days_ClientId_Day",
                table: "usage_days",
                columns: new[] { "ClientId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_usage_hours_Hour",
                table: "usage_hours",
                column: "Hour");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "balance_hours");

            migrationBuilder.DropTable(
                name: "usage_days");

            migrationBuilder.DropTable(
                name: "usage_hours");

            migrationBuilder.DropTable(
                name: "usage_total_hours");
        }
    }
}
