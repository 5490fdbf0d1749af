//! Tables of the catalogue.

/// `procedure_versions`: one row per version of a procedure.
pub mod procedure_version {
    use sea_orm::entity::prelude::*;

    /// A stored version.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "procedure_versions")]
    pub struct Model {
        /// Row id.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Procedure code.
        pub code: String,
        /// Version number from 1.
        pub version: i32,
        /// Name as published.
        pub name: String,
        /// Folded name (`fold::search_text`), for search.
        pub search_text: String,
        /// Field slug.
        pub field_code: String,
        /// `commune` or `province`.
        pub level: String,
        /// The whole `ProcedureContent` as JSON.
        pub content_json: String,
        /// Fingerprint of the content.
        pub content_hash: String,
        /// Start of validity, ms since the epoch.
        pub effective_from_ms: i64,
        /// End of validity, ms since the epoch; null while open.
        pub effective_to_ms: Option<i64>,
        /// Ended by retirement rather than by a newer version.
        pub retired: bool,
        /// When the row was written, ms since the epoch.
        pub created_at_ms: i64,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `fields`: the fields procedures belong to.
pub mod field {
    use sea_orm::entity::prelude::*;

    /// A field.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "fields")]
    pub struct Model {
        /// Slug.
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        /// Name.
        pub name: String,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
