//! The OpenAPI 3.1 document, built from the route table (so every route is in it) and the
//! form's JSON Schema from the domain crate.

use axum::Json;
use axum::extract::State;
use jixiao_domain::{Decision, Grade, Role};
use serde_json::{Map, Value, json};

use crate::routes::RouteDoc;
use crate::state::AppState;

/// `GET /api/openapi.json`.
pub async fn handler(State(state): State<AppState>) -> Json<Value> {
    let (_, docs) = crate::routes::api_routes(&state.config);
    Json(document(&docs))
}

fn grade() -> Value {
    json!({"type": "string", "enum": Grade::ALL.map(Grade::label)})
}

/// The request and answer schemas besides the form.
fn schemas() -> Map<String, Value> {
    let obj = |props: Value, required: &[&str]| json!({"type": "object", "properties": props, "required": required});
    let mut m = Map::new();
    m.insert("Error".into(), obj(json!({"error": {"type": "string"}, "message": {"type": "string", "description": "中文说明"}}), &["error", "message"]));
    m.insert("Finding".into(), obj(json!({"code": {"type": "string"}, "severity": {"type": "string", "enum": ["error", "warning", "info"]},
        "path": {"type": "string", "description": "JSON Pointer"}, "message": {"type": "string"}}), &["code", "severity", "path", "message"]));
    m.insert(
        "LoginRequest".into(),
        obj(
            json!({"username": {"type": "string"}, "password": {"type": "string"}}),
            &["username", "password"],
        ),
    );
    m.insert(
        "ValidateRequest".into(),
        obj(
            json!({"form": {"$ref": "#/components/schemas/Form"},
                "form_id": {"type": "integer", "description": "所属的已保存申报表：加上本区划指标库的辅助审核"}}),
            &["form"],
        ),
    );
    m.insert(
        "ImportRequest".into(),
        obj(
            json!({"file": {"type": "string", "format": "binary"}}),
            &["file"],
        ),
    );
    m.insert("CreateFormRequest".into(), obj(json!({
        "form": {"$ref": "#/components/schemas/Form"},
        "template_id": {"type": "string"}, "fiscal_year": {"type": "integer"},
        "from": {"type": "string", "enum": ["blank", "last_year"]}, "unit_id": {"type": "integer", "description": "本单位（可不填）"}}), &[]));
    m.insert("SaveFormRequest".into(), obj(json!({"base_version": {"type": "integer"}, "form": {"$ref": "#/components/schemas/Form"}}), &["base_version", "form"]));
    m.insert(
        "SubmitRequest".into(),
        obj(
            json!({"base_version": {"type": "integer"}}),
            &["base_version"],
        ),
    );
    m.insert("ReviewRequest".into(), obj(json!({
        "decision": {"type": "string", "enum": [Decision::Approve.as_str(), Decision::Return.as_str()]},
        "reason": {"type": "string", "description": "退回时必填"},
        "grades": obj(json!({"completeness": grade(), "relevance": grade(), "suitability": grade(), "feasibility": grade()}),
            &["completeness", "relevance", "suitability", "feasibility"]),
        "comments": {"type": "array", "items": obj(json!({"path": {"type": "string", "description": "JSON Pointer"}, "text": {"type": "string"}}), &["path", "text"])}}),
        &["decision", "grades"]));
    m.insert("SignOffRequest".into(), obj(json!({
        "decision": {"type": "string", "enum": [Decision::Approve.as_str(), Decision::Return.as_str()], "description": "approve：签批报送财政；return：退回填报人"},
        "reason": {"type": "string", "description": "退回时必填"}}), &["decision"]));
    m.insert("RoundRequest".into(), obj(json!({
        "kind": {"type": "string", "enum": ["declaration", "monitoring", "self_evaluation"]},
        "units": {"type": "array", "items": {"type": "integer"}, "description": "申报填报任务覆盖的单位；不填为本区划全部单位"},
        "fiscal_year": {"type": "integer"},
        "month": {"type": "integer", "minimum": 1, "maximum": 12, "description": "监控截止月份；不填取模板默认月份"},
        "deadline": {"type": "string", "format": "date", "description": "截止日期 YYYY-MM-DD，不早于今天"},
        "region_id": {"type": "integer", "description": "系统管理员须指定"}}), &["kind", "fiscal_year", "deadline"]));
    m.insert(
        "CurateRequest".into(),
        obj(
            json!({
        "action": {"type": "string", "enum": ["approve", "edit", "merge", "retire", "restore"]},
        "key": {"type": "string", "description": "指标库条目的规范化名称（条目的 key）"},
        "unit": {"type": "string", "description": "条目的计量单位（文字指标为空）"},
        "into": {"type": "object", "properties": {"key": {"type": "string"}, "unit": {"type": "string"}},
            "required": ["key"], "description": "合并时并入的条目"},
        "fields": {"type": "object", "description": "审定、修改时的字段：name、level1、level2、direction（≥ ≤ = 定性）、explanation（指标解释）、formula（计算公式）、scoring（评(扣)分标准）、basis（指标值确定依据）、unit_types、tags"},
        "region_id": {"type": "integer", "description": "默认为本人所在区划"},
        "template": {"type": "string", "description": "默认为本区划所用的模板"}}),
            &["action", "key"],
        ),
    );
    m.insert(
        "ReopenRequest".into(),
        obj(json!({"unit_id": {"type": "integer"}}), &["unit_id"]),
    );
    m.insert(
        "BatchRequest".into(),
        obj(
            json!({
        "action": {"type": "string", "enum": ["approve", "return", "remind"]},
        "unit_ids": {"type": "array", "items": {"type": "integer"}},
        "grade": {"type": "string", "enum": ["优", "良"], "description": "批量通过时的统一评级"},
        "comment": {"type": "string", "description": "退回时必填的统一意见；提醒时附加的话"}}),
            &["action", "unit_ids"],
        ),
    );
    m.insert(
        "NoticesReadRequest".into(),
        obj(
            json!({"ids": {"type": "array", "items": {"type": "integer"}}}),
            &["ids"],
        ),
    );
    m.insert("SaveReportRequest".into(), obj(json!({"base_version": {"type": "integer"},
        "document": {"type": "object", "description": "监控表或自评表的规范 JSON（docs/lifecycle.md）"}}), &["base_version", "document"]));
    m.insert("ReportStepRequest".into(), obj(json!({
        "base_version": {"type": "integer", "description": "提交时所基于的版本号"},
        "decision": {"type": "string", "enum": [Decision::Approve.as_str(), Decision::Return.as_str()], "description": "审核、签批时必填"},
        "reason": {"type": "string", "description": "退回时必填"}}), &[]));
    m.insert("RegionPatch".into(), obj(json!({
        "unit_sign_off": {"type": "boolean", "description": "填报人提交后是否须经单位审核人签批"},
        "department_review": {"type": "boolean", "description": "单位报送后是否先经主管部门审核，再到财政"},
        "parent_id": {"type": ["integer", "null"], "description": "上级区划（如市之于县）；null 取消；不给则不变"}
    }), &[]));
    m.insert("UnitPatch".into(), obj(json!({
        "department_id": {"type": ["integer", "null"], "description": "主管部门（同一区划的另一单位）；null 取消；不给则不变"},
        "unit_type": {"type": "string", "enum": ["", "行政单位", "参公事业单位", "公益一类事业单位", "公益二类事业单位", "其他"], "description": "单位类型；空字符串清除；不给则不变"}
    }), &[]));
    m.insert(
        "NewRegion".into(),
        obj(
            json!({"code": {"type": "string"}, "name": {"type": "string"}, "parent_id": {"type": "integer", "description": "上级区划（可不填）"}}),
            &["code", "name"],
        ),
    );
    m.insert("NewUnit".into(), obj(json!({"code": {"type": "string"}, "name": {"type": "string"}, "region_id": {"type": "integer"},
        "unit_type": {"type": "string", "enum": ["", "行政单位", "参公事业单位", "公益一类事业单位", "公益二类事业单位", "其他"], "description": "单位类型（可不填）"}}), &["code", "name", "region_id"]));
    let role = json!({"type": "string", "enum": Role::ALL.map(Role::as_str)});
    m.insert("NewUser".into(), obj(json!({"username": {"type": "string"}, "display_name": {"type": "string"}, "office": {"type": "string", "description": "科室，显示在姓名前"}, "password": {"type": "string", "minLength": 8},
        "role": role, "unit_id": {"type": "integer"}, "region_id": {"type": "integer"}}), &["username", "password", "role"]));
    m.insert("UserPatch".into(), obj(json!({"display_name": {"type": "string"}, "office": {"type": "string"}, "role": role, "unit_id": {"type": "integer"}, "region_id": {"type": "integer"},
        "disabled": {"type": "boolean"}, "password": {"type": "string"}, "unlock": {"type": "boolean"}}), &[]));
    m.insert(
        "PasswordChange".into(),
        obj(
            json!({"current_password": {"type": "string"}, "new_password": {"type": "string", "description": "须符合安全策略"}}),
            &["current_password", "new_password"],
        ),
    );
    let n = |d: &str| json!({"type": "integer", "description": d});
    m.insert("SecurityPolicy".into(), obj(json!({
        "min_length": n("密码最短长度（8–64）"), "char_classes": n("须含字符种类数（1–4：小写、大写、数字、其他）"),
        "history": n("不得与最近几次密码相同（0–24）"), "max_age_days": n("密码有效期天数（0 为不限，至多 365）"),
        "idle_minutes": n("空闲超时分钟（5–240）"), "session_hours": n("会话最长小时（1–24）"),
        "single_session": {"type": "boolean", "description": "新登录结束本人其他会话"},
        "free_failures": n("同一地址同一用户名连续失败几次后开始等待（3–20）"), "max_hold_minutes": n("最长等待分钟（1–60）"),
        "audit_retention_days": n("操作日志至少保存天数（180–3650），之后方可归档移出")}), &[]));
    m
}

/// The form schema with its `$defs` lifted into `components/schemas`.
fn form_schemas() -> Map<String, Value> {
    let text = jixiao_domain::form_schema_json().replace("#/$defs/", "#/components/schemas/");
    let mut schema: Value = serde_json::from_str(&text).unwrap_or(json!({"type": "object"}));
    let mut out = Map::new();
    if let Some(Value::Object(defs)) = schema.as_object_mut().and_then(|o| o.remove("$defs")) {
        out.extend(defs);
    }
    if let Some(o) = schema.as_object_mut() {
        o.remove("$schema");
    }
    out.insert("Form".into(), schema);
    out
}

/// Builds the document for a route table.
pub fn document(routes: &[RouteDoc]) -> Value {
    let mut paths = Map::new();
    for r in routes {
        let mut op = Map::new();
        op.insert("summary".into(), json!(r.summary));
        op.insert(
            "operationId".into(),
            json!(format!(
                "{}{}",
                r.method,
                r.path.replace(['/', '{', '}', '.'], "_")
            )),
        );
        let params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| {
                let ty = if name == "id" && r.path.starts_with("/api/templates") {
                    "string"
                } else {
                    "integer"
                };
                json!({"name": name, "in": "path", "required": true, "schema": {"type": ty}})
            })
            .collect();
        if !params.is_empty() {
            op.insert("parameters".into(), json!(params));
        }
        if let Some(body) = r.body {
            let media = if body == "ImportRequest" {
                "multipart/form-data"
            } else {
                "application/json"
            };
            op.insert("requestBody".into(), json!({"required": true, "content": {media: {"schema": {"$ref": format!("#/components/schemas/{body}")}}}}));
        }
        let err = json!({"description": "错误", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
        let mut responses = Map::new();
        responses.insert("200".into(), json!({"description": "成功"}));
        if r.auth {
            op.insert("security".into(), json!([{"session": []}]));
            responses.insert(
                "401".into(),
                json!({"description": "未登录", "content": err["content"].clone()}),
            );
            responses.insert(
                "403".into(),
                json!({"description": "无权限或 CSRF 校验失败", "content": err["content"].clone()}),
            );
        }
        responses.insert("default".into(), err);
        op.insert("responses".into(), Value::Object(responses));
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry[r.method] = Value::Object(op);
    }
    let mut components = form_schemas();
    components.extend(schemas());
    json!({
        "openapi": "3.1.0",
        "info": {"title": "jixiao API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "部门整体绩效目标申报、审核与公开系统的 JSON 接口。状态变更请求须带 X-CSRF-Token 头（值同 jixiao_csrf Cookie）。"},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE}}
        }
    })
}
