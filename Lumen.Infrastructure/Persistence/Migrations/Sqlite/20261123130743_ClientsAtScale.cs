using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lumen.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ClientsAtScale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClientName",
                table: "coin_pools",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "ManagerCount",
                table: "clients",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "TotalTokens",
                table: "coin_pools",
                type: "INTEGER",
                nullable: false,
                computedColumnSql: "\"InputTokens\" + \"OutputTokens\"",
                stored: false);

            // Existing rows: each pool takes its client's name, each client its number of managers.
            migrationBuilder.Sql("UPDATE \"coin_pools\" SET \"ClientName\" = (SELECT \"Name\" FROM \"clients\" WHERE \"clients\".\"Id\" = \"coin_pools\".\"ClientId\");");
            migrationBuilder.Sql("UPDATE \"clients\" SET \"ManagerCount\" = (SELECT COUNT(*) FROM \"managers\" WHERE \"managers\".\"ClientId\" = \"clients\".\"Id\");");

            migrationBuilder.CreateIndex(
                name: "IX_coin_pools_CoinsSpentMicros_ClientName",
                table: "coin_pools",
                columns: new[] { "CoinsSpentMicros", "ClientName" },
                descending: new[] { true, false });

            migrationBuilder.CreateIndex(
                name: "IX_coin_pools_Requests_ClientName",
                table: "coin_pools",
                columns: new[] { "Requests", "ClientName" },
                descending: new[] { true, false });

            migrationBuilder.CreateIndex(
                name: "IX_coin_pools_TotalTokens_ClientName",
                table: "coin_pools",
                columns: new[] { "TotalTokens", "ClientName" },
                descending: new[] { true, false });

            migrationBuilder.CreateIndex(
                name: "IX_clients_CreatedAtDesc_Name",
                table: "clients",
                columns: new[] { "CreatedAt", "Name" },
                descending: new[] { true, false });

            migrationBuilder.CreateIndex(
                name: "IX_clients_CreatedAt_Name",
                table: "clients",
                columns: new[] { "CreatedAt", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_clients_IsActiveDesc_Name",
                table: "clients",
                columns: new[] { "IsActive", "Name" },
                descending: new[] { true, false });

            migrationBuilder.CreateIndex(
                name: "IX_clients_IsActive_Name",
                table: "clients",
                columns: new[] { "IsActive", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_clients_ManagerCountDesc_Name",
                table: "clients",
                columns: new[] { "ManagerCount", "Name" },
                descending: new[] { true, false });

            migrationBuilder.CreateIndex(
                name: "IX_clients_ManagerCount_Name",
                table: "clients",
                columns: new[] { "ManagerCount", "Name" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_coin_pools_CoinsSpentMicros_ClientName",
                table: "coin_pools");

            migrationBuilder.DropIndex(
                name: "IX_coin_pools_Requests_ClientName",
                table: "coin_pools");

            migrationBuilder.DropIndex(
                name: "IX_coin_pools_TotalTokens_ClientName",
                table: "coin_pools");

            migrationBuilder.DropIndex(
                name: "IX_clients_CreatedAtDesc_Name",
                table: "clients");

            migrationBuilder.DropIndex(
                name: "IX_clients_CreatedAt_Name",
                table: "clients");

            migrationBuilder.DropIndex(
                name: "IX_clients_IsActiveDesc_Name",
                table: "clients");

            migrationBuilder.DropIndex(
                name: "IX_clients_IsActive_Name",
                table: "clients");

            migrationBuilder.DropIndex(
                name: "IX_clients_ManagerCountDesc_Name",
                table: "clients");

            migrationBuilder.DropIndex(
                name: "IX_clients_ManagerCount_Name",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "TotalTokens",
                table: "coin_pools");

            migrationBuilder.DropColumn(
                name: "ClientName",
                table: "coin_pools");

            migrationBuilder.DropColumn(
                name: "ManagerCount",
                table: "clients");
        }
    }
}
