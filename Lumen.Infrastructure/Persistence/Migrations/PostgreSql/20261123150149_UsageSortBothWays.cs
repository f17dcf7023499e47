using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lumen.Infrastructure.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class UsageSortBothWays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_coin_pools_CoinsSpentMicrosAsc_ClientName",
                table: "coin_pools",
                columns: new[] { "CoinsSpentMicros", "ClientName" });

            migrationBuilder.CreateIndex(
                name: "IX_coin_pools_RequestsAsc_ClientName",
                table: "coin_pools",
                columns: new[] { "Requests", "ClientName" });

            migrationBuilder.CreateIndex(
                name: "IX_coin_pools_TotalTokensAsc_ClientName",
                table: "coin_pools",
                columns: new[] { "TotalTokens", "ClientName" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_coin_pools_CoinsSpentMicrosAsc_ClientName",
                table: "coin_pools");

            migrationBuilder.DropIndex(
                name: "IX_coin_pools_RequestsAsc_ClientName",
                table: "coin_pools");

            migrationBuilder.DropIndex(
                name: "IX_coin_pools_TotalTokensAsc_ClientName",
                table: "coin_pools");
        }
    }
}
