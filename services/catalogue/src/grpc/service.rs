//! The `CatalogueService` implementation.

use std::sync::Arc;

use chrono::Utc;
use futures::StreamExt;
use sea_orm::DatabaseConnection;
use tonic::{Request, Response, Status, Streaming};

use onestop_kit::auth::require_role;
use onestop_kit::limits::{self, Limits};
use onestop_kit::{Claims, Role, ServiceError};
use onestop_proto::catalogue::v1 as pb;
use onestop_proto::catalogue::v1::catalogue_service_server::{
    CatalogueService, CatalogueServiceServer,
};

use super::convert::{self, procedure_to_pb};
use crate::domain::code::ProcedureCode;
use crate::domain::import::{self, ImportFormat};
use crate::domain::page_token::PageToken;
use crate::domain::procedure::Level;
use crate::domain::search::SearchQuery;
use crate::domain::versioning::UpsertPlan;
use crate::store::SearchCache;
use crate::store::queries::{self, ListFilter};
use onestop_kit::qr;

/// Largest import file accepted, in bytes.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// The catalogue's gRPC API over its database.
#[derive(Clone, Debug)]
pub struct CatalogueApi {
    db: DatabaseConnection,
    search: Arc<SearchCache>,
    public_base_url: String,
}

impl CatalogueApi {
    /// An API over a migrated database; public links start with `public_base_url`.
    pub fn new(db: DatabaseConnection, public_base_url: impl Into<String>) -> Self {
        Self {
            db,
            search: Arc::new(SearchCache::default()),
            public_base_url: public_base_url.into(),
        }
    }

    /// As a tonic service.
    pub fn into_server(self) -> CatalogueServiceServer<Self> {
        // imports stream in chunks well under this size
        CatalogueServiceServer::new(self).max_decoding_message_size(limits::MESSAGE_BYTES)
    }

    fn to_pb(&self, p: queries::StoredProcedure) -> pb::Procedure {
        procedure_to_pb(p, &self.public_base_url)
    }
}

/// Full gRPC name of the service, for health checks.
pub const SERVICE_NAME: &str = "onestop.catalogue.v1.CatalogueService";

fn parse_code(raw: &str) -> Result<ProcedureCode, ServiceError> {
    Limits::new().text("code", raw, limits::ID).finish()?;
    ProcedureCode::parse(raw).map_err(|e| ServiceError::invalid("code", e))
}

/// One catalogue serves every centre of a deployment, so only the province or an
/// all-centres admin may change it; one commune's admin may not.
fn require_catalogue_writer<T>(request: &Request<T>) -> Result<&Claims, ServiceError> {
    let claims = require_role(request, &[Role::Province, Role::Admin])?;
    if claims.center != "*" {
        return Err(ServiceError::PermissionDenied(format!(
            "the catalogue is shared by every centre: only the province or an all-centres admin (`*`) may change it, not an admin of `{}`",
            claims.center
        )));
    }
    Ok(claims)
}

/// Every text of a procedure within its limit, before any other check.
fn procedure_limits(p: &pb::Procedure) -> Result<(), ServiceError> {
    let mut check = Limits::new()
        .text("procedure.code", &p.code, limits::ID)
        .text("procedure.name", &p.name, limits::TEXT)
        .text("procedure.agency", &p.agency, limits::TEXT)
        .text("procedure.fee_note", &p.fee_note, limits::TEXT)
        .text("procedure.result", &p.result, limits::TEXT)
        .text("procedure.conditions", &p.conditions, limits::TEXT)
        .text("procedure.public_url", &p.public_url, limits::URL)
        .texts("procedure.steps", &p.steps, limits::TEXT)
        .texts("procedure.legal_basis", &p.legal_basis, limits::TEXT)
        .count("procedure.fees", p.fees.len(), limits::LIST)
        .count("procedure.components", p.components.len(), limits::LIST);
    if let Some(f) = &p.field {
        check = check
            .text("procedure.field.code", &f.code, limits::ID)
            .text("procedure.field.name", &f.name, limits::NAME);
    }
    for (i, fee) in p.fees.iter().enumerate().take(limits::LIST) {
        check = check.text(
            &format!("procedure.fees[{i}].name"),
            &fee.name,
            limits::TEXT,
        );
    }
    for (i, c) in p.components.iter().enumerate().take(limits::LIST) {
        check = check
            .text(
                &format!("procedure.components[{i}].name"),
                &c.name,
                limits::TEXT,
            )
            .text(
                &format!("procedure.components[{i}].template"),
                &c.template,
                limits::NAME,
            );
    }
    check.finish()
}

fn page_size(requested: i32, default: i32, max: i32) -> Result<u64, ServiceError> {
    match requested {
        0 => Ok(default as u64),
        n if n < 0 => Err(ServiceError::invalid("page_size", "must not be negative")),
        n => Ok(n.min(max) as u64),
    }
}

#[tonic::async_trait]
impl CatalogueService for CatalogueApi {
    async fn search_procedures(
        &self,
        request: Request<pb::SearchProceduresRequest>,
    ) -> Result<Response<pb::SearchProceduresResponse>, Status> {
        let req = request.into_inner();
        Limits::new()
            .text("query", &req.query, limits::QUERY)
            .finish()?;
        let limit = page_size(req.page_size, 20, 100)? as usize;
        let query =
            SearchQuery::parse(&req.query).map_err(|e| ServiceError::invalid("query", e))?;
        let found = self
            .search
            .search(&self.db, &query, limit, Utc::now())
            .await?;
        Ok(Response::new(pb::SearchProceduresResponse {
            procedures: found.into_iter().map(|p| self.to_pb(p)).collect(),
        }))
    }

    async fn get_procedure(
        &self,
        request: Request<pb::GetProcedureRequest>,
    ) -> Result<Response<pb::Procedure>, Status> {
        let req = request.into_inner();
        let code = parse_code(&req.code)?;
        if req.version < 0 {
            return Err(ServiceError::invalid(
                "version",
                "must be 0 (current) or a version number",
            )
            .into());
        }
        let version = (req.version > 0).then_some(req.version);
        let found = queries::get(&self.db, code.as_str(), version, Utc::now()).await?;
        let found = found.ok_or_else(|| match version {
            Some(v) => ServiceError::NotFound(format!("procedure {code} version {v}")),
            None => ServiceError::NotFound(format!("procedure {code}")),
        })?;
        Ok(Response::new(self.to_pb(found)))
    }

    async fn list_procedures(
        &self,
        request: Request<pb::ListProceduresRequest>,
    ) -> Result<Response<pb::ListProceduresResponse>, Status> {
        let req = request.into_inner();
        Limits::new()
            .text("field_code", &req.field_code, limits::ID)
            .text("page_token", &req.page_token, limits::URL)
            .finish()?;
        let limit = page_size(req.page_size, 50, 500)?;
        let level: Option<Level> = match pb::Level::try_from(req.level) {
            Ok(level) => convert::level_from_pb(level),
            Err(_) => {
                return Err(ServiceError::invalid(
                    "level",
                    format!("{} is not a level", req.level),
                )
                .into());
            }
        };
        let filter = ListFilter {
            field_code: req.field_code.trim().to_string(),
            level,
        };
        let fingerprint = format!(
            "{}|{}",
            filter.field_code,
            level.map(Level::as_str).unwrap_or("")
        );
        let after = if req.page_token.is_empty() {
            None
        } else {
            Some(
                PageToken::decode(&req.page_token, &fingerprint)
                    .map_err(|e| ServiceError::invalid("page_token", e))?
                    .after_code,
            )
        };
        let (page, total) =
            queries::list(&self.db, &filter, after.as_deref(), limit, Utc::now()).await?;
        let next_page_token = match page.last() {
            Some(last) if page.len() as u64 == limit => PageToken {
                filters: fingerprint,
                after_code: last.code.clone(),
            }
            .encode(),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListProceduresResponse {
            procedures: page.into_iter().map(|p| self.to_pb(p)).collect(),
            next_page_token,
            total_size: total as i32,
        }))
    }

    async fn list_fields(
        &self,
        _request: Request<pb::ListFieldsRequest>,
    ) -> Result<Response<pb::ListFieldsResponse>, Status> {
        let fields = queries::fields(&self.db, Utc::now()).await?;
        Ok(Response::new(pb::ListFieldsResponse {
            fields: fields
                .into_iter()
                .map(|(code, name, count)| pb::Field {
                    code,
                    name,
                    procedure_count: count as i32,
                })
                .collect(),
        }))
    }

    async fn upsert_procedure(
        &self,
        request: Request<pb::UpsertProcedureRequest>,
    ) -> Result<Response<pb::UpsertProcedureResponse>, Status> {
        require_catalogue_writer(&request)?;
        let req = request.into_inner();
        let procedure = req
            .procedure
            .ok_or_else(|| ServiceError::invalid("procedure", "is required"))?;
        procedure_limits(&procedure)?;
        let draft = convert::procedure_from_pb(procedure)
            .validate()
            .map_err(|violations| {
                ServiceError::InvalidArgument(
                    violations
                        .into_iter()
                        .map(|v| {
                            onestop_kit::FieldViolation::new(
                                format!("procedure.{}", v.field),
                                v.description,
                            )
                        })
                        .collect(),
                )
            })?;
        let now = Utc::now();
        let effective_from = match req.effective_from {
            None => now,
            Some(ts) => chrono::DateTime::from_timestamp(ts.seconds, ts.nanos.max(0) as u32)
                .ok_or_else(|| ServiceError::invalid("effective_from", "is not a valid time"))?,
        };
        let (plan, stored) = queries::upsert(&self.db, &draft, effective_from, now).await?;
        let outcome = match plan {
            UpsertPlan::Create => pb::UpsertOutcome::Created,
            UpsertPlan::NewVersion { .. } => pb::UpsertOutcome::NewVersion,
            UpsertPlan::Unchanged { .. } => pb::UpsertOutcome::Unchanged,
        };
        tracing::info!(code = %draft.code, version = stored.version, ?outcome, "procedure upserted");
        Ok(Response::new(pb::UpsertProcedureResponse {
            procedure: Some(self.to_pb(stored)),
            outcome: outcome.into(),
        }))
    }

    async fn list_procedure_versions(
        &self,
        request: Request<pb::ListProcedureVersionsRequest>,
    ) -> Result<Response<pb::ListProcedureVersionsResponse>, Status> {
        let code = parse_code(&request.into_inner().code)?;
        let versions = queries::versions(&self.db, code.as_str()).await?;
        if versions.is_empty() {
            return Err(ServiceError::NotFound(format!("procedure {code}")).into());
        }
        Ok(Response::new(pb::ListProcedureVersionsResponse {
            versions: versions.into_iter().map(|p| self.to_pb(p)).collect(),
        }))
    }

    async fn retire_procedure(
        &self,
        request: Request<pb::RetireProcedureRequest>,
    ) -> Result<Response<pb::Procedure>, Status> {
        require_catalogue_writer(&request)?;
        let code = parse_code(&request.into_inner().code)?;
        let retired = queries::retire(&self.db, code.as_str(), Utc::now()).await?;
        tracing::info!(%code, version = retired.version, "procedure retired");
        Ok(Response::new(self.to_pb(retired)))
    }

    async fn get_procedure_qr(
        &self,
        request: Request<pb::GetProcedureQrRequest>,
    ) -> Result<Response<pb::GetProcedureQrResponse>, Status> {
        let req = request.into_inner();
        let code = parse_code(&req.code)?;
        let format = pb::QrFormat::try_from(req.format).map_err(|_| {
            ServiceError::invalid("format", format!("{} is not a QR format", req.format))
        })?;
        if queries::get(&self.db, code.as_str(), None, Utc::now())
            .await?
            .is_none()
        {
            return Err(ServiceError::NotFound(format!("procedure {code}")).into());
        }
        let url = convert::public_url(&self.public_base_url, code.as_str());
        let for_image = url.clone();
        // drawing an image is CPU work: keep it off the request workers
        let (content_type, data) = tokio::task::spawn_blocking(move || match format {
            pb::QrFormat::Png => qr::png(&for_image).map(|d| ("image/png", d)),
            pb::QrFormat::Svg | pb::QrFormat::Unspecified => {
                qr::svg(&for_image).map(|s| ("image/svg+xml", s.into_bytes()))
            }
        })
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(ServiceError::Internal)?;
        Ok(Response::new(pb::GetProcedureQrResponse {
            content_type: content_type.into(),
            data,
            url,
        }))
    }

    async fn import_procedures(
        &self,
        request: Request<Streaming<pb::ImportProceduresChunk>>,
    ) -> Result<Response<pb::ImportSummary>, Status> {
        require_catalogue_writer(&request)?;
        let mut stream = request.into_inner();
        let mut data = Vec::new();
        let mut format = None;
        let mut dry_run = false;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if format.is_none() {
                format = Some(match pb::ImportFormat::try_from(chunk.format) {
                    Ok(pb::ImportFormat::Json) => ImportFormat::Json,
                    Ok(pb::ImportFormat::Csv) => ImportFormat::Csv,
                    _ => {
                        return Err(ServiceError::invalid(
                            "format",
                            "the first chunk must say JSON or CSV",
                        )
                        .into());
                    }
                });
                dry_run = chunk.dry_run;
            }
            if data.len() + chunk.data.len() > MAX_IMPORT_BYTES {
                return Err(ServiceError::invalid(
                    "data",
                    format!("file is larger than {MAX_IMPORT_BYTES} bytes"),
                )
                .into());
            }
            data.extend_from_slice(&chunk.data);
        }
        let format = format.ok_or_else(|| ServiceError::invalid("data", "no chunks were sent"))?;
        // parsing and validating thousands of procedures is CPU work
        let checked = tokio::task::spawn_blocking(move || import::check(format, &data))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let report = queries::import(&self.db, checked, dry_run, Utc::now()).await?;
        tracing::info!(
            created = report.created,
            new_versions = report.new_versions,
            unchanged = report.unchanged,
            rejected = report.rejected.len(),
            applied = report.applied,
            "procedures imported"
        );
        Ok(Response::new(convert::report_to_pb(report)))
    }
}
