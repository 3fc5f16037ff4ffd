//! Who may see and do what. Every form route goes through these checks with the form row it
//! acts on (read inside the step's transaction for writes). A form outside the user's scope is
//! answered 404, so its existence does not leak; a visible form whose step the role may not take
//! is answered 403.

use jixiao_storage::{FormRow, Role, User};

use crate::error::{ApiError, ApiResult};

/// Chinese label of a form status.
pub fn status_label(status: &str) -> &'static str {
    match status {
        "draft" => "草稿",
        "submitted" => "已提交",
        "returned" => "已退回",
        "approved" => "已批复",
        "published" => "已公开",
        _ => "未知状态",
    }
}

/// True when the user may see the form.
pub fn can_see(user: &User, form: &FormRow) -> bool {
    match user.role {
        Role::Admin => true,
        Role::Reviewer => user.region_id == Some(form.region_id),
        Role::Filler | Role::UnitApprover => user.unit_id == Some(form.unit_id),
    }
}

/// The form, if it exists and the user may see it; otherwise 404.
pub fn visible(user: &User, form: Option<FormRow>) -> ApiResult<FormRow> {
    match form {
        Some(f) if can_see(user, &f) => Ok(f),
        _ => Err(ApiError::not_found("申报表不存在或无权查看")),
    }
}

/// 403 unless the user is a member (filler or unit approver) of the form's unit.
pub fn require_unit_member(user: &User, form: &FormRow, action: &str) -> ApiResult<()> {
    if user.role.is_unit_role() && user.unit_id == Some(form.unit_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "只有本单位的填报人或单位审核人可以{action}"
        )))
    }
}

/// 403 unless the user is a reviewer of the form's region or an administrator.
pub fn require_reviewer(user: &User, form: &FormRow, action: &str) -> ApiResult<()> {
    let ok = match user.role {
        Role::Admin => true,
        Role::Reviewer => user.region_id == Some(form.region_id),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!("只有财政审核人可以{action}")))
    }
}

/// 403 unless the user is an administrator.
pub fn require_admin(user: &User) -> ApiResult<()> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("只有管理员可以进行此操作"))
    }
}

/// 409 unless the form is in one of the statuses.
pub fn require_status(form: &FormRow, allowed: &[&str], action: &str) -> ApiResult<()> {
    if allowed.contains(&form.status.as_str()) {
        Ok(())
    } else {
        Err(ApiError::conflict(
            "wrong_status",
            format!(
                "申报表当前状态为「{}」，不能{action}",
                status_label(&form.status)
            ),
        )
        .with("status", serde_json::json!(form.status)))
    }
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
