using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lumen.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RequestLogPaging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The new index first: the client's queries keep an index while the old one goes.
            migrationBuilder.CreateIndex(
                name: "IX_request_log_At",
                table: "request_log",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_request_log_ClientId_At_Id",
                table: "request_log",
                columns: new[] { "ClientId", "At", "Id" });

            migrationBuilder.DropIndex(
                name: "IX_request_log_ClientId_At",
                table: "request_log");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_request_log_At",
                table: "request_log");

            migrationBuilder.DropIndex(
                name: "IX_request_log_ClientId_At_Id",
                table: "request_log");

            migrationBuilder.CreateIndex(
                name: "IX_request_log_ClientId_At",
                table: "request_log",
                columns: new[] { "ClientId", "At" });
        }
    }
}
