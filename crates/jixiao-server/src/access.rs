//! Who may see and do what: the server's side of the workflow module
//! ([`jixiao_domain::workflow`]), which alone decides. Every form route asks
//! [`Actor::may`](jixiao_domain::Actor::may) with the form row it acts on (read inside the step's
//! transaction for writes), and this module turns a refusal into the one answer for it.
//!
//! A form outside the user's scope is answered 404, so its existence does not leak; a visible
//! form whose step the role may never take is answered 403; a step the role may take, but not in
//! the form's current status, is answered 409 `wrong_status` with the status.

use jixiao_domain::{Action, Actor, DocumentKind, FormStatus, Owner, Refusal};
use jixiao_storage::{FormRow, Role, User};

use crate::error::{ApiError, ApiResult};

/// Every form stored today is a declaration.
pub const KIND: DocumentKind = DocumentKind::Declaration;

/// The actor of a logged-in user: its role and scope.
pub fn actor(user: &User) -> Actor {
    Actor {
        role: user.role,
        unit_id: user.unit_id,
        region_id: user.region_id,
    }
}

/// Whose the form is.
pub fn owner(form: &FormRow) -> Owner {
    Owner {
        unit_id: form.unit_id,
        region_id: form.region_id,
        sign_off: form.sign_off,
        submitted: form.reached_finance_at.is_some() || form.approved_version.is_some(),
        department_id: form.department_id,
        department_setting: form.department_review,
        unit_submitted: form.first_submitted_at.is_some() || form.approved_version.is_some(),
    }
}

/// The one answer to each refusal of the workflow.
impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> ApiError {
        match r {
            Refusal::NotVisible => not_visible(),
            Refusal::Forbidden(message) => ApiError::forbidden(message),
            Refusal::WrongStatus { status, message } => ApiError::conflict("wrong_status", message)
                .with("status", serde_json::json!(status)),
        }
    }
}

fn not_visible() -> ApiError {
    ApiError::not_found(Refusal::NotVisible.to_string())
}

/// The form, if it exists and the user may see it; otherwise 404.
pub fn visible(user: &User, form: Option<FormRow>) -> ApiResult<FormRow> {
    match form {
        Some(f) if actor(user).may_see(owner(&f)) => Ok(f),
        _ => Err(not_visible()),
    }
}

/// The status after `action` on the form, or the refusal as its answer.
pub fn may(user: &User, form: &FormRow, action: Action) -> ApiResult<FormStatus> {
    Ok(actor(user).may(KIND, owner(form), form.status, action)?)
}

/// True when the user may take `action` on the form now.
pub fn can(user: &User, form: &FormRow, action: Action) -> bool {
    actor(user).can(KIND, owner(form), form.status, action)
}

/// 403 unless the user is the system administrator (系统管理员).
pub fn require_admin(user: &User) -> ApiResult<()> {
    if user.role.may_administer() {
        Ok(())
    } else {
        Err(ApiError::forbidden("只有系统管理员可以进行此操作"))
    }
}

/// 403 unless the user is the security administrator (安全管理员).
pub fn require_security_admin(user: &User) -> ApiResult<()> {
    if user.role.may_manage_security() {
        Ok(())
    } else {
        Err(ApiError::forbidden("只有安全管理员可以进行此操作"))
    }
}

/// 403 unless the user is the audit administrator (审计管理员).
pub fn require_audit_admin(user: &User) -> ApiResult<()> {
    if user.role.may_read_audit() {
        Ok(())
    } else {
        Err(ApiError::forbidden("只有审计管理员可以查看操作日志"))
    }
}

/// True when personal data (the contact's phone number) is shown to the user unmasked: only to
/// the unit's own roles.
pub fn sees_personal_data(role: Role) -> bool {
    role.is_unit_role()
}

/// Masks a phone number (`151****3138`): personal data shown only to the unit itself. The one
/// rule lives in the domain.
pub use jixiao_domain::mask_phone;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_phones() {
        assert_eq!(mask_phone("15172093138"), "151****3138");
        assert_eq!(mask_phone("123"), "***");
    }
}
