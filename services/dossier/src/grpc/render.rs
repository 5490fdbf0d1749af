//! Printing forms 01–05 off the request workers.

use onestop_kit::citizen_key;
use onestop_kit::{Role, ServiceError};
use onestop_proto::dossier::v1 as pb;
use tonic::{Request, Response, Status};

use super::limits;
use super::service::{DossierApi, required, staff};
use crate::forms::FormKind;
use crate::store::read;
use crate::store::tx::{self, Step};

/// The `RenderForm` RPC.
pub(super) async fn render_form(
    api: &DossierApi,
    request: Request<pb::RenderFormRequest>,
) -> Result<Response<pb::RenderedForm>, Status> {
    limits::render_form(request.get_ref())?;
    let claims = staff(&request)?;
    let r = request.into_inner();
    let id = required("id", &r.id)?;
    let kind = super::forms::kind_of(r.form)?;
    let given = r.citizen_key.trim();
    if kind != FormKind::Receipt && (r.new_citizen_key || !given.is_empty()) {
        let field = if r.new_citizen_key {
            "new_citizen_key"
        } else {
            "citizen_key"
        };
        return Err(ServiceError::invalid(
            field,
            "mã bảo mật chỉ in trên mẫu 01 — the key is printed on form 01 only",
        )
        .into());
    }
    if r.new_citizen_key && !given.is_empty() {
        return Err(ServiceError::invalid(
            "citizen_key",
            "hoặc in mã đã cấp, hoặc cấp mã mới — either print the key given or issue a new one",
        )
        .into());
    }
    let mut row = read::get(&api.store, &id).await?;
    tx::check_center(&claims, &row.center_id)?;
    let mut issued = String::new();
    if r.new_citizen_key {
        if !matches!(claims.role, Role::Receptionist | Role::Leader | Role::Admin) {
            return Err(ServiceError::PermissionDenied(
                "chỉ bộ phận một cửa, lãnh đạo hoặc quản trị cấp mã mới — only the counter, a leader or an admin issues a new key"
                    .into(),
            )
            .into());
        }
        if row.code.is_none() {
            return Err(ServiceError::FailedPrecondition(
                "hồ sơ chưa được tiếp nhận — the dossier has not been received".into(),
            )
            .into());
        }
        issued = citizen_key::generate();
        let hash = api.keys.hash(&issued);
        row = tx::change(
            &api.store,
            &row.id,
            0,
            &claims,
            api.clock.now(),
            async |row, _| {
                row.citizen_key_hash = Some(hash.clone());
                Ok(vec![Step::record("issue_citizen_key").note(
                    "in lại giấy tiếp nhận với mã bảo mật mới; mã cũ hết hiệu lực — receipt reprinted with a new key; the old key no longer works",
                )])
            },
        )
        .await?;
    } else if !given.is_empty()
        && !row
            .citizen_key_hash
            .as_deref()
            .is_some_and(|h| api.keys.matches(given, h))
    {
        return Err(ServiceError::invalid(
            "citizen_key",
            "không phải mã bảo mật của hồ sơ này — not this dossier's key",
        )
        .into());
    }
    let key = if issued.is_empty() { given } else { &issued };
    let mut form = super::forms::render(
        &api.store,
        &row,
        kind,
        &api.base_url,
        api.clock.now(),
        Some(key).filter(|k| !k.is_empty()),
    )
    .await?;
    form.citizen_key = issued;
    Ok(Response::new(form))
}
