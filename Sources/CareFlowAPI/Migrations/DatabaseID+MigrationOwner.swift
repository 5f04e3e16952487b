import Fluent

extension DatabaseID {
    /// The PostgreSQL connection of the tables' owner (`DATABASE_MIGRATION_URL`): migrations
    /// only, never requests.
    static let migrationOwner = DatabaseID(string: "psql_owner")
}
