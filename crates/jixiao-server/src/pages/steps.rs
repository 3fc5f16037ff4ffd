//! The workflow steps besides filling and reviewing, each behind a confirmation page:
//! `GET /forms/{id}/step/{step}` says what will happen, `POST /forms/{id}/step/{step}` does it
//! through the workflow service and comes back with a success message. The steps are
//! `withdraw` (撤回), `discard` (删除草稿), `publish` (公开), `adjust` (发起调整) and `sign-off`
//! (单位签批, with the return to the filler as its alternative). The pages offer a step only when
//! the workflow module allows it ([`steps_for`]); the service checks again when it runs.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use jixiao_domain::{Action, Decision, FormStatus, Role};
use jixiao_storage::{FormRow, User};
use jixiao_web::{ConfirmView, StepButton, render_confirm};

use super::{Fields, OrPage, PagePost, PageResult, PageUser, redirect_with_flash};
use crate::access::{KIND, actor, owner};
use crate::error::ApiError;
use crate::service::forms;
use crate::service::workflow::{self, SignOffInput};
use crate::state::AppState;

/// A step offered on the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Withdraw,
    Discard,
    Publish,
    Adjust,
    SignOff,
}

impl Step {
    const ALL: [Step; 5] = [
        Step::SignOff,
        Step::Publish,
        Step::Adjust,
        Step::Withdraw,
        Step::Discard,
    ];

    fn slug(self) -> &'static str {
        match self {
            Step::Withdraw => "withdraw",
            Step::Discard => "discard",
            Step::Publish => "publish",
            Step::Adjust => "adjust",
            Step::SignOff => "sign-off",
        }
    }

    fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|st| st.slug() == s)
    }

    fn action(self) -> Action {
        match self {
            Step::Withdraw => Action::Withdraw,
            Step::Discard => Action::Discard,
            Step::Publish => Action::Publish,
            Step::Adjust => Action::Adjust,
            Step::SignOff => Action::SignOff,
        }
    }

    /// Whether the user may take the step on the form now.
    fn allowed(self, user: &User, row: &FormRow) -> bool {
        match self {
            Step::Discard => forms::may_discard(user, row),
            other => actor(user).can(KIND, owner(row), row.status, other.action()),
        }
    }

    fn button(self) -> StepButton {
        let (label, primary) = match self {
            Step::Withdraw => ("撤回", false),
            Step::Discard => ("删除草稿", false),
            Step::Publish => ("公开", true),
            Step::Adjust => ("发起调整", false),
            Step::SignOff => ("签批", true),
        };
        StepButton {
            step: self.slug().to_string(),
            label: label.to_string(),
            primary,
        }
    }
}

/// The steps the user may take on the form now, as buttons.
pub(crate) fn steps_for(user: &User, row: &FormRow) -> Vec<StepButton> {
    Step::ALL
        .into_iter()
        .filter(|s| s.allowed(user, row))
        .map(|s| {
            let mut b = s.button();
            if s == Step::SignOff && user.role == Role::DepartmentReviewer {
                b.label = "主管部门审核".to_string();
            }
            b
        })
        .collect()
}

/// Whom a sign-off sends the form to: the department in charge (the unit approver's sign-off
/// where the region asks for two review levels) or the finance bureau.
fn sign_off_goes_to_department(user: &User, row: &FormRow) -> bool {
    user.role != Role::DepartmentReviewer && row.department_review && row.department_id.is_some()
}

/// The confirmation page of a step.
fn confirm_view(p: &PageUser, row: &FormRow, step: Step) -> ConfirmView {
    let v = row.version;
    let (title, explanation, button, danger, return_option): (&str, Vec<String>, &str, _, _) =
        match step {
            Step::Withdraw => (
                "撤回提交？",
                vec![
                    format!("第 {v} 版的提交将撤回，申报表回到“草稿”，可以继续修改后重新提交。"),
                    if row.status == FormStatus::AwaitingSignOff {
                        "单位审核人的待签批列表中将不再有它。".to_string()
                    } else if row.status == FormStatus::AwaitingDepartment {
                        "主管部门的待审核列表中将不再有它。".to_string()
                    } else {
                        "财政审核人的待审核列表中将不再有它。".to_string()
                    },
                    "已保存的各个版本都会保留。".to_string(),
                ],
                "确认撤回",
                false,
                false,
            ),
            Step::Discard => (
                "删除这份草稿？",
                vec![
                    "这份申报表从未提交过。删除后它的全部内容和历史版本都将删除，不能恢复。"
                        .to_string(),
                    format!("共 {v} 个版本。删除操作会记入操作日志。"),
                    "删除后可以重新新建或导入本年度的申报表。".to_string(),
                ],
                "确认删除",
                true,
                false,
            ),
            Step::Publish => (
                "公开这份申报表？",
                vec![
                    format!(
                        "已批复的第 {} 版将列入公开名单，可供下载（不含联系电话等个人信息）。",
                        row.approved_version.unwrap_or(v)
                    ),
                    "公开后不能撤销；单位仍可发起调整，调整批复后再公开新版本。".to_string(),
                ],
                "确认公开",
                false,
                false,
            ),
            Step::Adjust => (
                "发起调整？",
                vec![
                    format!("将以已批复的第 {v} 版为基础新建一个草稿版本，供修改。"),
                    "调整后的申报表须重新提交审核；已批复的版本保留在历史中。".to_string(),
                ],
                "发起调整",
                false,
                false,
            ),
            Step::SignOff if p.cu.user.role == Role::DepartmentReviewer => (
                "主管部门审核：报送财政审核？",
                vec![
                    format!("{}提交的第 {v} 版将报送财政审核人审核。", row.unit_name),
                    "请先查看申报表内容；如需修改，可在下方填写原因退回单位。".to_string(),
                ],
                "审核通过，报送财政",
                false,
                true,
            ),
            Step::SignOff if sign_off_goes_to_department(&p.cu.user, row) => (
                "签批并报送主管部门审核？",
                vec![
                    format!("填报人提交的第 {v} 版将报送主管部门审核，通过后再到财政。"),
                    "请先查看申报表内容；如需修改，可在下方填写原因退回填报人。".to_string(),
                ],
                "签批，报送主管部门",
                false,
                true,
            ),
            Step::SignOff => (
                "签批并报送财政审核？",
                vec![
                    format!("填报人提交的第 {v} 版将报送财政审核人审核。"),
                    "请先查看申报表内容；如需修改，可在下方填写原因退回填报人。".to_string(),
                ],
                "签批，报送财政",
                false,
                true,
            ),
        };
    ConfirmView {
        chrome: p.chrome(None),
        form_id: row.id,
        unit_name: row.unit_name.clone(),
        fiscal_year: row.fiscal_year as i32,
        step: step.slug().to_string(),
        title: title.to_string(),
        explanation,
        button: button.to_string(),
        danger,
        return_option,
    }
}

fn step_of(p: &PageUser, raw: &str) -> Result<Step, super::PageError> {
    Step::parse(raw).ok_or_else(|| p.err(ApiError::not_found("页面不存在")))
}

fn form_id(p: &PageUser, raw: &str) -> Result<i64, super::PageError> {
    raw.parse()
        .map_err(|_| p.err(ApiError::not_found("页面不存在")))
}

/// `GET /forms/{id}/step/{step}`: what the step will do, with the confirm button; a step the
/// user may not take now says why (the workflow module's refusal).
pub(crate) async fn confirm_page(
    State(state): State<AppState>,
    p: PageUser,
    Path((id, step)): Path<(String, String)>,
) -> PageResult {
    let id = form_id(&p, &id)?;
    let step = step_of(&p, &step)?;
    let user = &p.cu.user;
    let row = forms::row(&state, user, id).await.page(&p)?;
    if !step.allowed(user, &row) {
        let refusal = match step {
            Step::Discard if workflow::submitted_before(&row) => {
                workflow::submitted_before_refusal()
            }
            other => match actor(user).may(KIND, owner(&row), row.status, other.action()) {
                Err(r) => r.into(),
                Ok(_) => ApiError::forbidden("不能进行此操作"),
            },
        };
        return Err(p.err(refusal));
    }
    Ok(p.page(
        StatusCode::OK,
        render_confirm(&confirm_view(&p, &row, step)),
    ))
}

/// `POST /forms/{id}/step/{step}`: takes the step; the form (or, after a deletion, the home
/// page) with a success message.
pub(crate) async fn take_step(
    State(state): State<AppState>,
    post: PagePost,
    Path((id, step)): Path<(String, String)>,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let id = form_id(&p, &id)?;
    let step = step_of(&p, &step)?;
    let user = &p.cu.user;
    let done = |to: String, flash: String| Ok(redirect_with_flash(&to, &flash));
    match step {
        Step::Withdraw => {
            workflow::withdraw(&state, user, id).await.page(&p)?;
            done(
                format!("/forms/{id}"),
                "已撤回，申报表回到草稿状态，可以继续修改".into(),
            )
        }
        Step::Discard => {
            let row = forms::row(&state, user, id).await.page(&p)?;
            workflow::discard(&state, user, id).await.page(&p)?;
            done("/".into(), format!("已删除 {} 年度的草稿", row.fiscal_year))
        }
        Step::Publish => {
            workflow::publish(&state, user, id).await.page(&p)?;
            done(format!("/forms/{id}"), "已公开".into())
        }
        Step::Adjust => {
            let s = workflow::adjust(&state, user, id).await.page(&p)?;
            done(
                format!("/forms/{id}/edit"),
                format!(
                    "已发起调整：第 {} 版为新的草稿，修改后请重新提交审核",
                    s.version.unwrap_or_default()
                ),
            )
        }
        Step::SignOff => {
            let decision = match fields.get("decision") {
                Some("return") => Decision::Return,
                _ => Decision::Approve,
            };
            let input = SignOffInput {
                decision,
                reason: fields.get("reason").unwrap_or("").to_string(),
            };
            match workflow::sign_off(&state, user, id, input).await {
                Ok(_) if decision == Decision::Return => {
                    done(format!("/forms/{id}"), "已退回填报人修改".into())
                }
                Ok(s) if s.status == FormStatus::AwaitingDepartment => {
                    done(format!("/forms/{id}"), "已签批，报送主管部门审核".into())
                }
                Ok(_) if user.role == Role::DepartmentReviewer => {
                    done("/".to_string(), "主管部门审核通过，已报送财政审核".into())
                }
                Ok(_) => done(format!("/forms/{id}"), "已签批，报送财政审核".into()),
                Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                    // A return without a reason: the confirmation page again, with the reason.
                    let row = forms::row(&state, user, id).await.page(&p)?;
                    let mut view = confirm_view(&p, &row, step);
                    view.chrome.flash = Some(e.message);
                    Ok(p.page(e.status, render_confirm(&view)))
                }
                Err(e) => Err(p.err(e)),
            }
        }
    }
}
