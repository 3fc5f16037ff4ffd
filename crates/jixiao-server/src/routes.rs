//! The route table. Every API route is added through [`RouteTable::add`], which also records
//! it with its summary for the OpenAPI document, so the document cannot miss a route.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, delete, get, patch, post, put};

use crate::api::{admin, forms, history, library, misc, reports, rounds, session, workflow};
use crate::state::{AppState, ServerConfig};

/// One documented route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteDoc {
    /// `get`, `post`, `put`, `patch`, `delete`.
    pub method: &'static str,
    /// Path with `{param}` segments.
    pub path: &'static str,
    /// Chinese summary.
    pub summary: &'static str,
    /// Name of the request body schema in the OpenAPI document, if any.
    pub body: Option<&'static str>,
    /// Whether a session is needed.
    pub auth: bool,
}

struct RouteTable {
    router: Router<AppState>,
    docs: Vec<RouteDoc>,
}

impl RouteTable {
    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        summary: &'static str,
        body: Option<&'static str>,
        route: MethodRouter<AppState>,
    ) -> Self {
        self.router = self.router.route(path, route);
        let auth = !matches!(path, "/api/login" | "/healthz" | "/api/openapi.json");
        self.docs.push(RouteDoc {
            method,
            path,
            summary,
            body,
            auth,
        });
        self
    }
}

/// The API routes and their documentation.
#[rustfmt::skip]
pub fn api_routes(config: &ServerConfig) -> (Router<AppState>, Vec<RouteDoc>) {
    let upload_limit = DefaultBodyLimit::max(config.max_upload_bytes);
    let t = RouteTable { router: Router::new(), docs: Vec::new() }
        .add("get", "/healthz", "健康检查（数据库可用时 200）", None, get(misc::health))
        .add("get", "/api/openapi.json", "本接口的 OpenAPI 3 文档", None, get(crate::openapi::handler))
        .add("post", "/api/login", "登录，设置会话与 CSRF Cookie", Some("LoginRequest"), post(session::login))
        .add("post", "/api/logout", "退出登录", None, post(session::logout))
        .add("get", "/api/me", "当前用户（含上次登录时间和地址、是否须修改密码）", None, get(session::me))
        .add("get", "/api/me/sessions", "本人的登录会话（开始时间、地址、最近活动、是否本会话）", None, get(session::sessions))
        .add("delete", "/api/me/sessions/{id}", "结束本人的一个登录会话（204）", None, delete(session::end_session))
        .add("post", "/api/me/password", "修改本人密码（成功后所有会话结束，须重新登录）", Some("PasswordChange"), post(session::change_password))
        .add("get", "/api/templates", "模板列表", None, get(misc::templates))
        .add("get", "/api/templates/{id}", "模板内容（最新版本）", None, get(misc::template))
        .add("post", "/api/validate", "校验申报表（不保存）", Some("ValidateRequest"), post(forms::validate))
        .add("post", "/api/import", "导入文件为申报表（multipart 字段 file；不保存）", Some("ImportRequest"),
             post(misc::import).layer(upload_limit))
        .add("post", "/api/import/ocr", "上传扫描件，在后台文字识别（OCR）（multipart 字段 file；202，返回识别任务）", Some("ImportRequest"),
             post(misc::import_ocr).layer(upload_limit))
        .add("get", "/api/import/ocr/{id}", "本人的识别任务：状态、已识别页数；完成后附申报表、导入报告与检查结果", None, get(misc::import_ocr_job))
        .add("get", "/api/forms", "列出与搜索申报表（按角色限定范围）", None, get(forms::list))
        .add("post", "/api/forms", "新建申报表（上传的表、空白或上年结转）", Some("CreateFormRequest"), post(forms::create))
        .add("get", "/api/forms/{id}", "读取申报表当前版本及校验结果、审核意见", None, get(forms::get))
        .add("put", "/api/forms/{id}", "保存新版本（须给出所基于的版本号，过期则 409）", Some("SaveFormRequest"), put(forms::save))
        .add("delete", "/api/forms/{id}", "删除从未提交过的草稿（204）", None, delete(workflow::discard))
        .add("post", "/api/forms/{id}/submit", "提交审核（仍有错误时 422；区划要求单位内部审核时先到单位审核人）", Some("SubmitRequest"), post(workflow::submit))
        .add("post", "/api/forms/{id}/sign-off", "单位审核人签批（报送财政）或退回", Some("SignOffRequest"), post(workflow::sign_off))
        .add("post", "/api/forms/{id}/withdraw", "撤回尚未审核的提交", None, post(workflow::withdraw))
        .add("post", "/api/forms/{id}/review", "审核：通过或退回，附评级与意见", Some("ReviewRequest"), post(workflow::review))
        .add("post", "/api/forms/{id}/publish", "公开已批复的申报表", None, post(workflow::publish))
        .add("post", "/api/forms/{id}/adjust", "调整已批复的申报表（新版本重新审核）", None, post(workflow::adjust))
        .add("get", "/api/forms/{id}/versions", "版本列表", None, get(history::versions))
        .add("get", "/api/forms/{id}/versions/{v}", "读取某一版本", None, get(history::version))
        .add("get", "/api/forms/{id}/diff", "两个版本之间的差异（from、to）", None, get(history::diff_versions))
        .add("get", "/api/forms/{id}/audit", "操作日志", None, get(history::audit))
        .add("get", "/api/forms/{id}/export", "导出文件（format=pdf|xlsx|html|json|csv）", None, get(history::export))
        .add("get", "/api/forms/{id}/library/suggestions", "新增三级指标的建议：本区划指标库中本单位上年用过的、在该二级指标下常用的指标（level2、q）", None, get(library::suggestions))
        .add("get", "/api/library", "本区划的指标库（财政审核人；region_id、template、q、limit）", None, get(library::region))
        .add("post", "/api/library/curations", "维护指标库（财政审核人）：审定、修改、合并、停用或恢复一个条目，记入版本和操作日志并即时重建", Some("CurateRequest"), post(library::curate))
        .add("get", "/api/library/curations", "指标库的维护记录：一个条目的各版本（key、unit），或全部已维护条目的现状", None, get(library::curations))
        .add("get", "/api/summary", "汇总表（xlsx）：可见范围内、按年度和状态筛选的申报表", None, get(history::summary))
        .add("get", "/api/summary.csv", "汇总表（CSV，流式）：可见范围内的全部申报表，财政审核人含下级区划", None, get(history::summary_csv))
        .add("post", "/api/rounds", "开启任务：申报填报（区划内全部或选定单位）、绩效运行监控或绩效自评（为已批复申报表的单位生成监控表或自评表）", Some("RoundRequest"), post(reports::open))
        .add("get", "/api/rounds", "可见的申报填报、监控、自评任务", None, get(reports::list))
        .add("get", "/api/rounds/{id}", "任务看板：各单位状态、预警灯或得分与等级，及计数", None, get(reports::board))
        .add("get", "/api/rounds/{id}/board.xlsx", "任务看板（xlsx）", None, get(reports::board_xlsx))
        .add("post", "/api/rounds/{id}/close", "截止申报填报任务：此后不再接受提交", None, post(rounds::close))
        .add("post", "/api/rounds/{id}/reopen", "为一个单位重新开放已截止的申报填报任务（补交）", Some("ReopenRequest"), post(rounds::reopen))
        .add("post", "/api/rounds/{id}/batch", "看板批量操作：通过（无错误的待审核表，统一评级）、退回（统一意见）、提醒", Some("BatchRequest"), post(rounds::batch))
        .add("get", "/api/rounds/{id}/summary.xlsx", "申报填报任务的汇总表（xlsx）", None, get(rounds::summary))
        .add("get", "/api/notices", "本单位未读的提醒与填报任务", None, get(rounds::notices))
        .add("post", "/api/notices/read", "把本单位的提醒标为已读", Some("NoticesReadRequest"), post(rounds::read))
        .add("get", "/api/reports", "本单位的监控表与自评表", None, get(reports::mine))
        .add("get", "/api/reports/{id}", "读取监控表或自评表当前版本及预警灯或得分、问题", None, get(reports::get))
        .add("put", "/api/reports/{id}", "保存监控表或自评表新版本（须给出所基于的版本号，过期则 409）", Some("SaveReportRequest"), put(reports::save))
        .add("post", "/api/reports/{id}/submit", "提交监控表或自评表（仍有错误时 422，例如红灯、黄灯未写偏差原因）", Some("ReportStepRequest"), post(reports::submit))
        .add("post", "/api/reports/{id}/sign-off", "单位审核人签批（报送财政）或退回", Some("ReportStepRequest"), post(reports::sign_off))
        .add("post", "/api/reports/{id}/withdraw", "撤回尚未审核的提交", None, post(reports::withdraw))
        .add("post", "/api/reports/{id}/review", "审核监控表或自评表：通过或退回（附原因）", Some("ReportStepRequest"), post(reports::review))
        .add("post", "/api/reports/{id}/publish", "公开已审核的监控表或自评表", None, post(reports::publish))
        .add("get", "/api/reports/{id}/audit", "监控表或自评表的操作日志", None, get(reports::audit))
        .add("get", "/api/reports/{id}/export", "导出监控表或自评表（format=pdf|html|xlsx|json）", None, get(reports::export))
        .add("get", "/api/units", "可见的单位列表", None, get(admin::units))
        .add("get", "/api/admin/regions", "区划列表（管理员）", None, get(admin::regions))
        .add("post", "/api/admin/regions", "新建区划（管理员）", Some("NewRegion"), post(admin::create_region))
        .add("patch", "/api/admin/regions/{id}", "修改区划：是否要求单位内部审核、主管部门审核（管理员）", Some("RegionPatch"),
             patch(admin::update_region))
        .add("get", "/api/admin/units", "单位列表（管理员）", None, get(admin::admin_units))
        .add("post", "/api/admin/units", "新建单位（管理员）", Some("NewUnit"), post(admin::create_unit))
        .add("patch", "/api/admin/units/{id}", "修改单位：设置或取消主管部门（管理员）", Some("UnitPatch"), patch(admin::update_unit))
        .add("get", "/api/admin/audit", "全部操作日志（审计管理员）", None, get(admin::audit))
        .add("get", "/api/admin/audit.csv", "导出操作日志 CSV（审计管理员）", None, get(admin::audit_csv))
        .add("get", "/api/admin/audit/verify", "校验操作日志的哈希链（审计管理员）", None, get(admin::verify_audit))
        .add("get", "/api/admin/security-policy", "安全策略：密码与会话规则（安全管理员）", None, get(admin::security_policy))
        .add("put", "/api/admin/security-policy", "修改安全策略（安全管理员）", Some("SecurityPolicy"), put(admin::set_security_policy))
        .add("get", "/api/admin/users", "用户列表（系统管理员、安全管理员）", None, get(admin::users))
        .add("post", "/api/admin/users", "新建用户：系统管理员建业务账号，安全管理员建管理员账号；首次登录须改密码", Some("NewUser"), post(admin::create_user))
        .add("patch", "/api/admin/users/{id}", "修改用户：系统管理员改姓名、范围、停用；安全管理员改角色、重设密码、解除登录限制", Some("UserPatch"),
             patch(admin::update_user));
    (t.router, t.docs)
}
