//! The workflow of a document through its year: who may do what to it, in which status, and what
//! status follows. This is the one place that decides; storage, the server, the pages and the
//! templates ask it and never compare status or role strings themselves.
//!
//! The model is a table, [`TRANSITIONS`]: each row says which document kinds, in which statuses,
//! which roles may take an action and the status that follows. `docs/workflow.md` writes the same
//! table out for readers, and a test walks every (kind, status, action, role) against it. Scope
//! (whose unit, which region) is checked beside the table by [`Actor::may_see`], so that a form
//! outside the actor's scope is *not visible* rather than *forbidden*.
//!
//! Document kinds share one status set: a monitoring report and a self-evaluation are saved,
//! submitted, returned and accepted like a declaration; only the labels of some statuses and the
//! actions they allow differ (a monitoring report is not adjusted).

use serde::{Deserialize, Serialize};

/// The kinds of document that go through the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 部门整体绩效目标申报表: the declaration of targets with the budget.
    Declaration,
    /// 绩效运行监控表: progress on the approved targets at a cut-off month.
    Monitoring,
    /// 绩效自评表: actual values and scores after the year.
    SelfEvaluation,
}

impl DocumentKind {
    /// Every kind.
    pub const ALL: [DocumentKind; 3] = [
        DocumentKind::Declaration,
        DocumentKind::Monitoring,
        DocumentKind::SelfEvaluation,
    ];

    /// The stored and API name (`declaration`).
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Declaration => "declaration",
            DocumentKind::Monitoring => "monitoring",
            DocumentKind::SelfEvaluation => "self_evaluation",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The Chinese name (`绩效目标申报表`).
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Declaration => "绩效目标申报表",
            DocumentKind::Monitoring => "绩效运行监控表",
            DocumentKind::SelfEvaluation => "绩效自评表",
        }
    }
}

/// The status of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormStatus {
    /// 草稿: the unit fills it in.
    Draft,
    /// 待单位审核: the filler has submitted; the unit approver signs off before it goes to the
    /// finance bureau (only where the region asks for internal sign-off).
    AwaitingSignOff,
    /// 待主管部门审核: the unit's department in charge (主管部门) reviews it before it goes to the
    /// finance bureau (only where the region asks for two review levels and the unit has one).
    AwaitingDepartment,
    /// 已提交: waiting for the finance bureau's review.
    Submitted,
    /// 已退回: returned to the unit with a reason, to revise and submit again.
    Returned,
    /// 已批复 (a declaration) / 已审核 (a monitoring report or self-evaluation).
    Approved,
    /// 已公开: published; public copies exist.
    Published,
}

impl FormStatus {
    /// Every status, in the order of the year.
    pub const ALL: [FormStatus; 7] = [
        FormStatus::Draft,
        FormStatus::AwaitingSignOff,
        FormStatus::AwaitingDepartment,
        FormStatus::Submitted,
        FormStatus::Returned,
        FormStatus::Approved,
        FormStatus::Published,
    ];

    /// The stored and API name (`draft`).
    pub fn as_str(self) -> &'static str {
        match self {
            FormStatus::Draft => "draft",
            FormStatus::AwaitingSignOff => "awaiting_sign_off",
            FormStatus::AwaitingDepartment => "awaiting_department",
            FormStatus::Submitted => "submitted",
            FormStatus::Returned => "returned",
            FormStatus::Approved => "approved",
            FormStatus::Published => "published",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<FormStatus> {
        FormStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The Chinese label of a declaration in this status (`已提交`).
    pub fn label(self) -> &'static str {
        self.label_for(DocumentKind::Declaration)
    }

    /// The Chinese label for a document of a kind.
    pub fn label_for(self, kind: DocumentKind) -> &'static str {
        match (self, kind) {
            (FormStatus::Draft, _) => "草稿",
            (FormStatus::AwaitingSignOff, _) => "待单位审核",
            (FormStatus::AwaitingDepartment, _) => "待主管部门审核",
            (FormStatus::Submitted, _) => "已提交",
            (FormStatus::Returned, _) => "已退回",
            (FormStatus::Approved, DocumentKind::Declaration) => "已批复",
            (FormStatus::Approved, _) => "已审核",
            (FormStatus::Published, _) => "已公开",
        }
    }

    /// What the unit should do next with a declaration in this status.
    pub fn next_step(self) -> &'static str {
        match self {
            FormStatus::Draft => "继续填报，修正错误后提交审核",
            FormStatus::AwaitingSignOff => "等待本单位审核人签批后报送财政",
            FormStatus::AwaitingDepartment => "等待主管部门审核后报送财政",
            FormStatus::Submitted => "等待财政审核",
            FormStatus::Returned => "按审核意见修改后重新提交",
            FormStatus::Approved => "已批复；如需调整可发起调整",
            FormStatus::Published => "已随预算公开",
        }
    }

    /// True in the statuses where the unit still fills the document in.
    pub fn is_open_for_unit(self) -> bool {
        Action::Save.allowed_from(DocumentKind::Declaration, self)
    }

    /// True while the document waits for someone else (the unit approver, the department in
    /// charge or the finance bureau): the filler may withdraw it.
    pub fn is_waiting(self) -> bool {
        matches!(
            self,
            FormStatus::AwaitingSignOff | FormStatus::AwaitingDepartment | FormStatus::Submitted
        )
    }

    /// True once the document has been approved (and possibly published): its targets are in
    /// force and later stages may build on it.
    pub fn is_approved(self) -> bool {
        matches!(self, FormStatus::Approved | FormStatus::Published)
    }
}

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 填报人: fills and submits the forms of one unit.
    Filler,
    /// 单位审核人: the unit's own checker; signs off the filler's submissions where the region
    /// asks for it, and may also fill, submit and start adjustments.
    UnitApprover,
    /// 财政审核人: reviews, returns, approves and publishes the forms of one region.
    Reviewer,
    /// 主管部门审核人: reviews the forms of the units under one department in charge (主管部门,
    /// e.g. 教育局 over its schools) and passes them on to the finance bureau or returns them,
    /// where the region asks for two review levels. Belongs to the department's own unit.
    DepartmentReviewer,
    /// 系统管理员: manages regions, units, users (with the business roles) and rounds; sees no
    /// form content and cannot delete audit rows (三权分立).
    Admin,
    /// 安全管理员: grants and changes roles, sets the password and session policy, unlocks and
    /// resets passwords; sees no form content.
    SecurityAdmin,
    /// 审计管理员: reads and exports the audit log, and verifies its hash chain; nothing else.
    AuditAdmin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 7] = [
        Role::Filler,
        Role::UnitApprover,
        Role::Reviewer,
        Role::DepartmentReviewer,
        Role::Admin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
    ];

    /// The stored and API name (`filler`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Filler => "filler",
            Role::UnitApprover => "unit_approver",
            Role::Reviewer => "reviewer",
            Role::DepartmentReviewer => "department_reviewer",
            Role::Admin => "admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The Chinese name (`单位填报人`).
    pub fn label(self) -> &'static str {
        match self {
            Role::Filler => "单位填报人",
            Role::UnitApprover => "单位审核人",
            Role::Reviewer => "财政审核人",
            Role::DepartmentReviewer => "主管部门审核人",
            Role::Admin => "系统管理员",
            Role::SecurityAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
        }
    }

    /// True for roles that fill and submit the documents of one unit (and need one).
    pub fn is_unit_role(self) -> bool {
        matches!(self, Role::Filler | Role::UnitApprover)
    }

    /// True for the department in charge's reviewer: it belongs to the department's unit and
    /// reviews the units under it.
    pub fn is_department_role(self) -> bool {
        matches!(self, Role::DepartmentReviewer)
    }

    /// True for roles attached to a unit (the unit roles and the department's reviewer).
    pub fn needs_unit(self) -> bool {
        self.is_unit_role() || self.is_department_role()
    }

    /// True for roles that belong to one region (and need one).
    pub fn is_region_role(self) -> bool {
        matches!(self, Role::Reviewer)
    }

    /// True for the finance side (the reviewers of a region).
    pub fn is_finance(self) -> bool {
        matches!(self, Role::Reviewer)
    }

    /// True when the role manages regions, units, users and rounds (系统管理员).
    pub fn may_administer(self) -> bool {
        matches!(self, Role::Admin)
    }

    /// True when the role grants roles, sets the password and session policy, unlocks and
    /// resets passwords (安全管理员).
    pub fn may_manage_security(self) -> bool {
        matches!(self, Role::SecurityAdmin)
    }

    /// True when the role reads, exports and verifies the whole audit log (审计管理员).
    pub fn may_read_audit(self) -> bool {
        matches!(self, Role::AuditAdmin)
    }

    /// True for the three administrator roles (三员): none of them sees form content.
    pub fn is_administrator(self) -> bool {
        matches!(self, Role::Admin | Role::SecurityAdmin | Role::AuditAdmin)
    }
}

/// Something a user does to a document. The status-changing steps are in [`TRANSITIONS`]; the
/// others (create, import, comment, export) are recorded in the audit log under these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 新建: a new document (blank, from last year, or imported).
    Create,
    /// 导入: a document made from an uploaded file.
    Import,
    /// 保存: a new draft version.
    Save,
    /// 提交审核 (to the unit approver where the region asks for sign-off, else to finance).
    Submit,
    /// 撤回: take back a submission nobody has decided on yet.
    Withdraw,
    /// 签批: the unit approver passes the filler's submission on (单位签批), or the department in
    /// charge passes its unit's submission on to the finance bureau (主管部门审核通过).
    SignOff,
    /// 删除草稿: delete a draft that was never submitted.
    Discard,
    /// 退回: back to the unit with a reason.
    Return,
    /// 批复通过 (审核通过 for monitoring and self-evaluation).
    Approve,
    /// 公开.
    Publish,
    /// 发起调整: a new draft of an approved declaration.
    Adjust,
    /// 审核意见 on a place in the document.
    Comment,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 12] = [
        Action::Create,
        Action::Import,
        Action::Save,
        Action::Submit,
        Action::Withdraw,
        Action::SignOff,
        Action::Discard,
        Action::Return,
        Action::Approve,
        Action::Publish,
        Action::Adjust,
        Action::Comment,
    ];

    /// The stored (audit log) and API name (`submit`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Import => "import",
            Action::Save => "save",
            Action::Submit => "submit",
            Action::Withdraw => "withdraw",
            Action::SignOff => "sign_off",
            Action::Discard => "discard",
            Action::Return => "return",
            Action::Approve => "approve",
            Action::Publish => "publish",
            Action::Adjust => "adjust",
            Action::Comment => "comment",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The Chinese name of the step (`提交审核`).
    pub fn label(self) -> &'static str {
        match self {
            Action::Create => "新建",
            Action::Import => "导入",
            Action::Save => "保存",
            Action::Submit => "提交审核",
            Action::Withdraw => "撤回",
            Action::SignOff => "单位签批",
            Action::Discard => "删除草稿",
            Action::Return => "退回",
            Action::Approve => "批复通过",
            Action::Publish => "公开",
            Action::Adjust => "发起调整",
            Action::Comment => "审核意见",
        }
    }

    /// The verb used in refusals (`不能提交`).
    fn verb(self) -> &'static str {
        match self {
            Action::Create => "新建",
            Action::Import => "导入",
            Action::Save => "修改",
            Action::Submit => "提交",
            Action::Withdraw => "撤回",
            Action::SignOff => "签批",
            Action::Discard => "删除",
            Action::Return | Action::Approve | Action::Comment => "审核",
            Action::Publish => "公开",
            Action::Adjust => "调整",
        }
    }

    /// True when the table allows this action on a document of this kind in this status, for
    /// some role.
    pub fn allowed_from(self, kind: DocumentKind, status: FormStatus) -> bool {
        TRANSITIONS
            .iter()
            .any(|t| t.action == self && t.kinds.contains(&kind) && t.from.contains(&status))
    }
}

/// A reviewer's decision on a submitted document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// 批复通过 / 审核通过.
    Approve,
    /// 退回修改.
    Return,
}

impl Decision {
    /// The stored and API name (`approve`).
    pub fn as_str(self) -> &'static str {
        self.action().as_str()
    }

    /// Parses the API name.
    pub fn parse(s: &str) -> Option<Decision> {
        [Decision::Approve, Decision::Return]
            .into_iter()
            .find(|d| d.as_str() == s)
    }

    /// The workflow action this decision takes.
    pub fn action(self) -> Action {
        match self {
            Decision::Approve => Action::Approve,
            Decision::Return => Action::Return,
        }
    }

    /// The Chinese name (`批复通过`).
    pub fn label(self) -> &'static str {
        self.action().label()
    }
}

/// A grade: of a review criterion (完整性, 相关性, 适当性, 可行性) and of a self-evaluation's
/// total score. Written as its Chinese letter in JSON (`"优"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grade {
    /// 优: passes.
    #[serde(rename = "优")]
    Excellent,
    /// 良: passes after talking it over.
    #[serde(rename = "良")]
    Good,
    /// 中: returned for revision.
    #[serde(rename = "中")]
    Fair,
    /// 差: rejected.
    #[serde(rename = "差")]
    Poor,
}

impl Grade {
    /// Every grade, best first.
    pub const ALL: [Grade; 4] = [Grade::Excellent, Grade::Good, Grade::Fair, Grade::Poor];

    /// The Chinese letter (优 / 良 / 中 / 差).
    pub fn label(self) -> &'static str {
        match self {
            Grade::Excellent => "优",
            Grade::Good => "良",
            Grade::Fair => "中",
            Grade::Poor => "差",
        }
    }

    /// Parses the Chinese letter.
    pub fn parse(s: &str) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.label() == s)
    }

    /// True for the grades with which a review may approve (优 and 良); 中 and 差 mean return.
    pub fn passes(self) -> bool {
        matches!(self, Grade::Excellent | Grade::Good)
    }
}

/// One row of the transition table.
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    /// The kinds of document the row applies to.
    pub kinds: &'static [DocumentKind],
    /// The statuses the action may start from.
    pub from: &'static [FormStatus],
    /// The action.
    pub action: Action,
    /// The roles that may take it (within their scope).
    pub by: &'static [Role],
    /// The status after it; `None` keeps the status (a save of a returned form stays returned;
    /// a discarded draft is deleted).
    pub to: Option<FormStatus>,
    /// Where the row applies, by the owner's review path.
    pub when: When,
}

/// Where a row of [`TRANSITIONS`] applies, by the document's review path: the region's internal
/// sign-off (单位内部审核) and whether a department in charge reviews before the finance bureau
/// (两级审核). `None` is either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    /// The unit approver signs the filler's submission off.
    pub sign_off: Option<bool>,
    /// The unit's department in charge reviews before the finance bureau.
    pub department: Option<bool>,
}

impl When {
    /// Every path.
    pub const ALWAYS: When = When {
        sign_off: None,
        department: None,
    };

    const fn sign_off(on: bool) -> When {
        When {
            sign_off: Some(on),
            department: None,
        }
    }

    const fn department(on: bool) -> When {
        When {
            sign_off: None,
            department: Some(on),
        }
    }

    fn applies(self, owner: Owner) -> bool {
        self.sign_off.is_none_or(|s| s == owner.sign_off)
            && self
                .department
                .is_none_or(|d| d == owner.department_review())
    }

    /// The words used in `docs/workflow.md` (`always`, `sign-off`, `no sign-off, department`).
    pub fn describe(self) -> String {
        let mut parts = Vec::new();
        match self.sign_off {
            Some(true) => parts.push("sign-off"),
            Some(false) => parts.push("no sign-off"),
            None => {}
        }
        match self.department {
            Some(true) => parts.push("department"),
            Some(false) => parts.push("no department"),
            None => {}
        }
        if parts.is_empty() {
            "always".into()
        } else {
            parts.join(", ")
        }
    }
}

const ALL_KINDS: &[DocumentKind] = &DocumentKind::ALL;
const UNIT: &[Role] = &[Role::Filler, Role::UnitApprover];
const FINANCE: &[Role] = &[Role::Reviewer];
const DEPARTMENT: &[Role] = &[Role::DepartmentReviewer];
const OPEN: &[FormStatus] = &[FormStatus::Draft, FormStatus::Returned];

/// The workflow: status × action × role → status. `docs/workflow.md` writes it out.
pub const TRANSITIONS: &[Transition] = &[
    Transition {
        kinds: ALL_KINDS,
        from: OPEN,
        action: Action::Save,
        by: UNIT,
        to: None,
        when: When::ALWAYS,
    },
    Transition {
        kinds: ALL_KINDS,
        from: OPEN,
        action: Action::Submit,
        by: UNIT,
        to: Some(FormStatus::Submitted),
        when: When {
            sign_off: Some(false),
            department: Some(false),
        },
    },
    Transition {
        kinds: ALL_KINDS,
        from: OPEN,
        action: Action::Submit,
        by: UNIT,
        to: Some(FormStatus::AwaitingDepartment),
        when: When {
            sign_off: Some(false),
            department: Some(true),
        },
    },
    Transition {
        kinds: ALL_KINDS,
        from: OPEN,
        action: Action::Submit,
        by: &[Role::Filler],
        to: Some(FormStatus::AwaitingSignOff),
        when: When::sign_off(true),
    },
    Transition {
        kinds: ALL_KINDS,
        from: &[FormStatus::AwaitingSignOff],
        action: Action::SignOff,
        by: &[Role::UnitApprover],
        to: Some(FormStatus::Submitted),
        when: When::department(false),
    },
    Transition {
        kinds: ALL_KINDS,
        from: &[FormStatus::AwaitingSignOff],
        action: Action::SignOff,
        by: &[Role::UnitApprover],
        to: Some(FormStatus::AwaitingDepartment),
        when: When::department(true),
    },
    Transition {
        kinds: ALL_KINDS,
        from: &[FormStatus::AwaitingSignOff],
        action: Action::Return,
        by: &[Role::UnitApprover],
        to: Some(FormStatus::Returned),
        when: When::ALWAYS,
    },
    Transition {
        kinds: ALL_KINDS,
        from: &[FormStatus::AwaitingDepartment],
        action: Action::SignOff,
        by: DEPARTMENT,
        to: Some(FormStatus::Submitted),
        when: When::department(true),
    },
    Transition {
        kinds: ALL_KINDS,
        from: &[FormStatus::AwaitingDepartment],
        action: Action::Return,
        by: DEPARTMENT,
        to: Some(FormStatus::Returned),
        when: When::department(true),
    },
    Transition {
        kinds: ALL_KINDS,
        from: &[
            FormStatus::AwaitingSignOff,
            FormStatus::AwaitingDepartment,
            FormStatus::Submitted,
        ],
        action: Action::Withdraw,
        by: UNIT,
        to: Some(FormStatus::Draft),
        when: When::ALWAYS,
    },
    Transition {
        kinds: ALL_KINDS,
        from: &[FormStatus::Draft],
        action: Action::Discard,
        by: UNIT,
        to: None,
        when: When::ALWAYS,
    },
    Transition {
        kinds: ALL_KINDS,
        from: &[FormStatus::Submitted],
        action: Action::Return,
        by: FINANCE,
        to: Some(FormStatus::Returned),
        when: When::ALWAYS,
    },
    Transition {
        kinds: ALL_KINDS,
        from: &[FormStatus::Submitted],
        action: Action::Approve,
        by: FINANCE,
        to: Some(FormStatus::Approved),
        when: When::ALWAYS,
    },
    Transition {
        kinds: ALL_KINDS,
        from: &[FormStatus::Submitted],
        action: Action::Comment,
        by: FINANCE,
        to: None,
        when: When::ALWAYS,
    },
    Transition {
        kinds: ALL_KINDS,
        from: &[FormStatus::Approved],
        action: Action::Publish,
        by: FINANCE,
        to: Some(FormStatus::Published),
        when: When::ALWAYS,
    },
    Transition {
        kinds: &[DocumentKind::Declaration],
        from: &[FormStatus::Approved, FormStatus::Published],
        action: Action::Adjust,
        by: UNIT,
        to: Some(FormStatus::Draft),
        when: When::ALWAYS,
    },
];

/// Who acts: a role with its scope (the ids of its unit and region, where it has them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The role.
    pub role: Role,
    /// The unit of a unit role.
    pub unit_id: Option<i64>,
    /// The region of a region role (or of a unit role's unit).
    pub region_id: Option<i64>,
}

/// Whose a document is: its unit and that unit's region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    /// The unit that files it.
    pub unit_id: i64,
    /// The unit's region.
    pub region_id: i64,
    /// Whether the region asks the unit approver to sign off before submission.
    pub sign_off: bool,
    /// Whether the document has ever reached the finance bureau: the finance side sees it only
    /// from then on (a draft the unit never submitted is the unit's own).
    pub submitted: bool,
    /// The unit's department in charge (主管部门), a unit of the same region, if it has one.
    pub department_id: Option<i64>,
    /// Whether the region asks the department in charge to review before the finance bureau
    /// (两级审核); it applies only to units that have one.
    pub department_setting: bool,
    /// Whether the document has ever been submitted by its unit: the department in charge sees
    /// it from then on.
    pub unit_submitted: bool,
}

impl Owner {
    /// A document of a unit with no department in charge and no sign-off (the common case), in
    /// the region; `submitted` as given.
    pub fn plain(unit_id: i64, region_id: i64, submitted: bool) -> Owner {
        Owner {
            unit_id,
            region_id,
            sign_off: false,
            submitted,
            department_id: None,
            department_setting: false,
            unit_submitted: submitted,
        }
    }

    /// True when the document goes through the unit's department in charge before the finance
    /// bureau: the region asks for it and the unit has one.
    pub fn department_review(&self) -> bool {
        self.department_setting && self.department_id.is_some()
    }
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The document is outside the actor's scope: answered as if it did not exist.
    #[error("申报表不存在或无权查看")]
    NotVisible,
    /// The actor sees the document but its role may not take the action.
    #[error("{0}")]
    Forbidden(String),
    /// The role may take the action, but not in the document's current status.
    #[error("{message}")]
    WrongStatus {
        /// The status the document is in.
        status: FormStatus,
        /// The Chinese explanation.
        message: String,
    },
}

impl Actor {
    /// True when the actor may see documents of this owner.
    pub fn may_see(&self, owner: Owner) -> bool {
        match self.role {
            Role::Admin | Role::SecurityAdmin | Role::AuditAdmin => false,
            Role::Reviewer => self.region_id == Some(owner.region_id) && owner.submitted,
            Role::DepartmentReviewer => {
                owner.department_id.is_some()
                    && owner.department_id == self.unit_id
                    && owner.unit_submitted
            }
            Role::Filler | Role::UnitApprover => self.unit_id == Some(owner.unit_id),
        }
    }

    /// The status after `action` on a document of `kind`, owned by `owner`, now in `status`; or
    /// why the actor may not take it. Scope first (not visible), then role (forbidden), then
    /// status (wrong status), so that a refusal never tells more than the actor may know.
    pub fn may(
        &self,
        kind: DocumentKind,
        owner: Owner,
        status: FormStatus,
        action: Action,
    ) -> Result<FormStatus, Refusal> {
        if !self.may_see(owner) {
            return Err(Refusal::NotVisible);
        }
        let rows = || {
            TRANSITIONS.iter().filter(move |t| {
                t.action == action && t.kinds.contains(&kind) && t.when.applies(owner)
            })
        };
        if !rows().any(|t| t.by.contains(&self.role)) {
            return Err(Refusal::Forbidden(forbidden_message(kind, action, owner)));
        }
        rows()
            .find(|t| t.by.contains(&self.role) && t.from.contains(&status))
            .map(|t| t.to.unwrap_or(status))
            .ok_or_else(|| Refusal::WrongStatus {
                status,
                message: format!(
                    "{}当前状态为「{}」，不能{}{}",
                    kind_short(kind),
                    status.label_for(kind),
                    action.verb(),
                    wrong_status_hint(kind, action)
                ),
            })
    }

    /// True when [`Actor::may`] allows the action.
    pub fn can(
        &self,
        kind: DocumentKind,
        owner: Owner,
        status: FormStatus,
        action: Action,
    ) -> bool {
        self.may(kind, owner, status, action).is_ok()
    }

    /// May edit (save) the document now.
    pub fn may_edit(&self, kind: DocumentKind, owner: Owner, status: FormStatus) -> bool {
        self.can(kind, owner, status, Action::Save)
    }

    /// May submit the document now.
    pub fn may_submit(&self, kind: DocumentKind, owner: Owner, status: FormStatus) -> bool {
        self.can(kind, owner, status, Action::Submit)
    }

    /// May review (approve or return) the document now.
    pub fn may_review(&self, kind: DocumentKind, owner: Owner, status: FormStatus) -> bool {
        self.can(kind, owner, status, Action::Approve)
    }

    /// May publish the document now.
    pub fn may_publish(&self, kind: DocumentKind, owner: Owner, status: FormStatus) -> bool {
        self.can(kind, owner, status, Action::Publish)
    }

    /// May start an adjustment of the document now.
    pub fn may_adjust(&self, kind: DocumentKind, owner: Owner, status: FormStatus) -> bool {
        self.can(kind, owner, status, Action::Adjust)
    }

    /// May take back the submission now (撤回).
    pub fn may_withdraw(&self, kind: DocumentKind, owner: Owner, status: FormStatus) -> bool {
        self.can(kind, owner, status, Action::Withdraw)
    }

    /// May delete the draft now, as far as its status goes (the service also checks that it was
    /// never submitted).
    pub fn may_discard(&self, kind: DocumentKind, owner: Owner, status: FormStatus) -> bool {
        self.can(kind, owner, status, Action::Discard)
    }

    /// May create documents for this owner's unit (new, from last year, imported).
    pub fn may_create(&self, owner: Owner) -> bool {
        self.role.is_unit_role() && self.unit_id == Some(owner.unit_id)
    }
}

fn kind_short(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Declaration => "申报表",
        DocumentKind::Monitoring => "监控表",
        DocumentKind::SelfEvaluation => "自评表",
    }
}

/// What to do instead, after a refused step (a save of an approved declaration is an adjustment).
fn wrong_status_hint(kind: DocumentKind, action: Action) -> &'static str {
    match (kind, action) {
        (DocumentKind::Declaration, Action::Save) => {
            "（已提交或已批复的申报表只读；批复后请使用“调整”）"
        }
        _ => "",
    }
}

fn forbidden_message(kind: DocumentKind, action: Action, owner: Owner) -> String {
    let roles: Vec<Role> = TRANSITIONS
        .iter()
        .filter(|t| t.action == action && t.kinds.contains(&kind) && t.when.applies(owner))
        .flat_map(|t| t.by.iter().copied())
        .collect();
    let has = |r: Role| roles.contains(&r);
    let mut who = Vec::new();
    match (has(Role::Filler), has(Role::UnitApprover)) {
        (true, true) => who.push("本单位的填报人或单位审核人"),
        (true, false) => who.push("本单位的填报人"),
        (false, true) => who.push("本单位的单位审核人"),
        (false, false) => {}
    }
    if has(Role::DepartmentReviewer) {
        who.push("主管部门审核人");
    }
    if has(Role::Reviewer) {
        who.push("财政审核人");
    }
    if roles.iter().any(|r| r.is_administrator()) {
        who.push("管理员");
    }
    if who.is_empty() {
        format!("{}不能{}", kind_short(kind), action.verb())
    } else {
        format!(
            "只有{}可以{}{}",
            who.join("或"),
            action.verb(),
            kind_short(kind)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: Owner = Owner {
        unit_id: 7,
        region_id: 3,
        sign_off: false,
        submitted: true,
        department_id: Some(5),
        department_setting: false,
        unit_submitted: true,
    };

    /// [`OWNER`] on a review path.
    fn on_path(sign_off: bool, department: bool) -> Owner {
        Owner {
            sign_off,
            department_setting: department,
            ..OWNER
        }
    }

    fn actor(role: Role) -> Actor {
        match role {
            Role::Filler | Role::UnitApprover => Actor {
                role,
                unit_id: Some(7),
                region_id: Some(3),
            },
            Role::Reviewer => Actor {
                role,
                unit_id: None,
                region_id: Some(3),
            },
            Role::DepartmentReviewer => Actor {
                role,
                unit_id: Some(5),
                region_id: Some(3),
            },
            Role::Admin | Role::SecurityAdmin | Role::AuditAdmin => Actor {
                role,
                unit_id: None,
                region_id: None,
            },
        }
    }

    #[test]
    fn names_round_trip() {
        for s in FormStatus::ALL {
            assert_eq!(FormStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.as_str()), Some(k));
        }
        for g in Grade::ALL {
            assert_eq!(Grade::parse(g.label()), Some(g));
            assert_eq!(
                serde_json::to_string(&g).unwrap(),
                format!("\"{}\"", g.label())
            );
        }
        assert_eq!(Decision::parse("approve"), Some(Decision::Approve));
        assert_eq!(Decision::parse("reject"), None);
    }

    #[test]
    fn refusals_go_scope_then_role_then_status() {
        let other = Owner::plain(8, 4, true);
        let filler = actor(Role::Filler);
        let k = DocumentKind::Declaration;
        assert_eq!(
            filler.may(k, other, FormStatus::Draft, Action::Save),
            Err(Refusal::NotVisible)
        );
        assert!(matches!(
            filler.may(k, OWNER, FormStatus::Submitted, Action::Approve),
            Err(Refusal::Forbidden(m)) if m == "只有财政审核人可以审核申报表"
        ));
        assert!(matches!(
            filler.may(k, OWNER, FormStatus::Submitted, Action::Submit),
            Err(Refusal::WrongStatus { status: FormStatus::Submitted, message })
                if message == "申报表当前状态为「已提交」，不能提交"
        ));
        assert_eq!(
            filler.may(k, OWNER, FormStatus::Returned, Action::Save),
            Ok(FormStatus::Returned)
        );
    }

    #[test]
    fn reviewer_of_another_region_sees_nothing() {
        let r = Actor {
            role: Role::Reviewer,
            unit_id: None,
            region_id: Some(99),
        };
        assert!(!r.may_see(OWNER));
    }

    #[test]
    fn filler_and_unit_approver_are_different_people_where_sign_off_applies() {
        let owner = Owner {
            sign_off: true,
            ..OWNER
        };
        let k = DocumentKind::Declaration;
        let approver = actor(Role::UnitApprover);
        let filler = actor(Role::Filler);
        assert!(matches!(
            approver.may(k, owner, FormStatus::Draft, Action::Submit),
            Err(Refusal::Forbidden(_))
        ));
        assert_eq!(
            filler.may(k, owner, FormStatus::Draft, Action::Submit),
            Ok(FormStatus::AwaitingSignOff)
        );
        assert!(
            filler
                .may(k, owner, FormStatus::AwaitingSignOff, Action::SignOff)
                .is_err()
        );
        assert_eq!(
            approver.may(k, OWNER, FormStatus::Draft, Action::Submit),
            Ok(FormStatus::Submitted),
            "without internal sign-off the approver may submit"
        );
    }

    #[test]
    fn administrators_see_no_form_content() {
        for role in [Role::Admin, Role::SecurityAdmin, Role::AuditAdmin] {
            assert!(!actor(role).may_see(OWNER), "{role:?}");
            assert!(role.is_administrator() && !role.is_finance());
        }
    }

    #[test]
    fn finance_sees_a_document_from_its_first_submission_on() {
        let never = Owner {
            submitted: false,
            ..OWNER
        };
        let reviewer = actor(Role::Reviewer);
        assert!(!reviewer.may_see(never));
        assert_eq!(
            reviewer.may(
                DocumentKind::Declaration,
                never,
                FormStatus::Draft,
                Action::Comment
            ),
            Err(Refusal::NotVisible)
        );
        assert!(reviewer.may_see(OWNER));
        assert!(actor(Role::Filler).may_see(never));
    }

    #[test]
    fn only_declarations_adjust() {
        let f = actor(Role::Filler);
        assert!(f.may_adjust(DocumentKind::Declaration, OWNER, FormStatus::Published));
        assert!(!f.may_adjust(DocumentKind::Monitoring, OWNER, FormStatus::Approved));
        assert_eq!(
            FormStatus::Approved.label_for(DocumentKind::Monitoring),
            "已审核"
        );
    }

    #[test]
    fn sign_off_goes_through_the_unit_approver() {
        let k = DocumentKind::Declaration;
        let owner = Owner {
            sign_off: true,
            ..OWNER
        };
        let filler = actor(Role::Filler);
        let approver = actor(Role::UnitApprover);
        assert_eq!(
            filler.may(k, owner, FormStatus::Draft, Action::Submit),
            Ok(FormStatus::AwaitingSignOff)
        );
        assert_eq!(
            filler.may(k, OWNER, FormStatus::Draft, Action::Submit),
            Ok(FormStatus::Submitted)
        );
        assert_eq!(
            approver.may(k, owner, FormStatus::AwaitingSignOff, Action::SignOff),
            Ok(FormStatus::Submitted)
        );
        assert!(matches!(
            filler.may(k, owner, FormStatus::AwaitingSignOff, Action::SignOff),
            Err(Refusal::Forbidden(m)) if m == "只有本单位的单位审核人可以签批申报表"
        ));
        assert!(!actor(Role::Reviewer).may_review(k, owner, FormStatus::AwaitingSignOff));
        assert!(filler.may_withdraw(k, owner, FormStatus::AwaitingSignOff));
        assert!(filler.may_withdraw(k, owner, FormStatus::Submitted));
        assert!(!filler.may_withdraw(k, owner, FormStatus::Approved));
        assert!(filler.may_discard(k, owner, FormStatus::Draft));
        assert!(!filler.may_discard(k, owner, FormStatus::Returned));
    }

    #[test]
    fn department_in_charge_reviews_between_the_unit_and_finance() {
        let k = DocumentKind::Declaration;
        let two_levels = on_path(false, true);
        let dept = actor(Role::DepartmentReviewer);
        let filler = actor(Role::Filler);
        let reviewer = actor(Role::Reviewer);
        assert!(two_levels.department_review() && !OWNER.department_review());
        assert_eq!(
            filler.may(k, two_levels, FormStatus::Draft, Action::Submit),
            Ok(FormStatus::AwaitingDepartment)
        );
        assert_eq!(
            dept.may(
                k,
                two_levels,
                FormStatus::AwaitingDepartment,
                Action::SignOff
            ),
            Ok(FormStatus::Submitted)
        );
        assert_eq!(
            dept.may(
                k,
                two_levels,
                FormStatus::AwaitingDepartment,
                Action::Return
            ),
            Ok(FormStatus::Returned)
        );
        assert!(matches!(
            dept.may(k, two_levels, FormStatus::Submitted, Action::Approve),
            Err(Refusal::Forbidden(m)) if m == "只有财政审核人可以审核申报表"
        ));
        assert!(matches!(
            reviewer.may(
                k,
                two_levels,
                FormStatus::AwaitingDepartment,
                Action::Approve
            ),
            Err(Refusal::WrongStatus { .. })
        ));
        assert!(filler.may_withdraw(k, two_levels, FormStatus::AwaitingDepartment));
        // With internal sign-off too: filler → unit approver → department → finance.
        let three = on_path(true, true);
        assert_eq!(
            actor(Role::UnitApprover).may(k, three, FormStatus::AwaitingSignOff, Action::SignOff),
            Ok(FormStatus::AwaitingDepartment)
        );
        // Without the region's setting the department has no step.
        assert!(matches!(
            dept.may(k, OWNER, FormStatus::AwaitingDepartment, Action::SignOff),
            Err(Refusal::Forbidden(_))
        ));
    }

    #[test]
    fn department_sees_only_its_units_once_submitted() {
        let dept = actor(Role::DepartmentReviewer);
        assert!(dept.may_see(OWNER));
        assert!(!dept.may_see(Owner {
            unit_submitted: false,
            ..OWNER
        }));
        assert!(!dept.may_see(Owner {
            department_id: Some(6),
            ..OWNER
        }));
        assert!(!dept.may_see(Owner::plain(7, 3, true)));
        assert!(!dept.may_create(OWNER));
        assert!(Role::DepartmentReviewer.needs_unit() && !Role::DepartmentReviewer.is_unit_role());
    }

    /// Every (kind, status, action, role) against the table in `docs/workflow.md`.
    #[test]
    fn matches_the_documented_table() {
        let doc = include_str!("../../../docs/workflow.md");
        let mut expected = std::collections::BTreeSet::new();
        for line in doc.lines() {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            // | kinds | from | action | roles | to | when |
            if cells.len() != 8 || Action::parse(cells[3].trim_matches('`')).is_none() {
                continue;
            }
            let mut sign_offs = vec![false, true];
            let mut departments = vec![false, true];
            for term in cells[6].split(',').map(str::trim) {
                match term {
                    "always" => {}
                    "sign-off" => sign_offs = vec![true],
                    "no sign-off" => sign_offs = vec![false],
                    "department" => departments = vec![true],
                    "no department" => departments = vec![false],
                    other => panic!("unknown condition `{other}` in docs/workflow.md"),
                }
            }
            let when: Vec<(bool, bool)> = sign_offs
                .iter()
                .flat_map(|&s| departments.iter().map(move |&d| (s, d)))
                .collect();
            let kinds: Vec<DocumentKind> = split_names(cells[1], DocumentKind::parse);
            let from: Vec<FormStatus> = split_names(cells[2], FormStatus::parse);
            let action = Action::parse(cells[3].trim_matches('`')).unwrap();
            let roles: Vec<Role> = split_names(cells[4], Role::parse);
            let to = cells[5].trim_matches('`');
            for (&k, &path) in kinds.iter().flat_map(|k| when.iter().map(move |w| (k, w))) {
                for &s in &from {
                    for &r in &roles {
                        let after = if to == "same" || to == "deleted" {
                            s
                        } else {
                            FormStatus::parse(to).expect("a status in the table")
                        };
                        expected.insert((
                            path,
                            k.as_str(),
                            s.as_str(),
                            action.as_str(),
                            r.as_str(),
                            after.as_str(),
                        ));
                    }
                }
            }
        }
        assert!(!expected.is_empty(), "docs/workflow.md has no table rows");
        let mut actual = std::collections::BTreeSet::new();
        let paths = [(false, false), (false, true), (true, false), (true, true)];
        for (k, path) in DocumentKind::ALL
            .into_iter()
            .flat_map(|k| paths.map(|p| (k, p)))
        {
            let owner = on_path(path.0, path.1);
            for s in FormStatus::ALL {
                for a in Action::ALL {
                    for r in Role::ALL {
                        if let Ok(after) = actor(r).may(k, owner, s, a) {
                            actual.insert((
                                path,
                                k.as_str(),
                                s.as_str(),
                                a.as_str(),
                                r.as_str(),
                                after.as_str(),
                            ));
                        }
                    }
                }
            }
        }
        let missing: Vec<_> = expected.difference(&actual).collect();
        let extra: Vec<_> = actual.difference(&expected).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "documented but not allowed: {missing:?}\nallowed but not documented: {extra:?}"
        );
    }

    fn split_names<T>(cell: &str, parse: fn(&str) -> Option<T>) -> Vec<T> {
        cell.split(',')
            .map(|s| s.trim().trim_matches('`'))
            .filter(|s| !s.is_empty())
            .map(|s| parse(s).unwrap_or_else(|| panic!("unknown name `{s}` in docs/workflow.md")))
            .collect()
    }
}
