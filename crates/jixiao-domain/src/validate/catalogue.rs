//! The rule catalogue: every rule the validator knows, with its stable code, severity, section,
//! Chinese title and description. The engine takes severities from here, and `docs/rules.md` is
//! generated from it ([`rules_markdown`]), so the documentation cannot drift from the code.

use super::Severity;

/// The part of the form a rule looks at; findings are grouped by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// Template, header lines and the text sections (部门职能概述, 年度工作任务).
    Header,
    /// 部门总体资金情况.
    Funding,
    /// 项目支出情况.
    Projects,
    /// 整体绩效总目标 and the goal texts above the tables.
    Goals,
    /// The two indicator tables, each on its own.
    Indicators,
    /// Checks across sections and tables.
    Cross,
}

impl Section {
    /// All sections, in the order findings are reported.
    pub const ALL: [Section; 6] = [
        Section::Header,
        Section::Funding,
        Section::Projects,
        Section::Goals,
        Section::Indicators,
        Section::Cross,
    ];

    /// Chinese heading.
    pub fn label(self) -> &'static str {
        match self {
            Section::Header => "基本信息与文字",
            Section::Funding => "部门总体资金情况",
            Section::Projects => "项目支出情况",
            Section::Goals => "整体绩效目标",
            Section::Indicators => "绩效指标",
            Section::Cross => "交叉核对",
        }
    }

    /// English key (`funding`), as used in JSON and file names.
    pub fn key(self) -> &'static str {
        match self {
            Section::Header => "header",
            Section::Funding => "funding",
            Section::Projects => "projects",
            Section::Goals => "goals",
            Section::Indicators => "indicators",
            Section::Cross => "cross",
        }
    }
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable code (`F004`); never reused for another meaning.
    pub code: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// The section it checks.
    pub section: Section,
    /// Short Chinese title.
    pub title: &'static str,
    /// Chinese description: what is checked, with which template parameter.
    pub description: &'static str,
    /// True when findings of this rule on many rows of one table are reported as one summary.
    pub aggregated: bool,
}

macro_rules! rule {
    ($code:literal, $sev:ident, $sec:ident, $title:literal, $desc:literal) => {
        Rule {
            code: $code,
            severity: Severity::$sev,
            section: Section::$sec,
            title: $title,
            description: $desc,
            aggregated: false,
        }
    };
    ($code:literal, $sev:ident, $sec:ident, $title:literal, $desc:literal, aggregated) => {
        Rule {
            code: $code,
            severity: Severity::$sev,
            section: Section::$sec,
            title: $title,
            description: $desc,
            aggregated: true,
        }
    };
}

/// Every rule, in section and code order.
#[rustfmt::skip]
pub static RULES: &[Rule] = &[
    rule!("H001", Warning, Header, "申报表模板与校验模板不同", "申报表记录的模板 id 与本次校验使用的模板不同；按校验模板检查。"),
    rule!("H002", Info, Header, "模板版本不同", "申报表记录的模板版本与本次校验使用的版本不同。"),
    rule!("H003", Error, Header, "单位名称为空", "部门（单位）名称必须填写。"),
    rule!("H004", Warning, Header, "联系电话格式有误", "联系电话应为中国大陆手机号（11 位，1 开头）或固定电话（区号 + 7–8 位号码，或 7–8 位本地号码）。"),
    rule!("H005", Info, Header, "未填填报人或联系电话", "填报人和联系电话供审核联系使用（不公开）。"),
    rule!("H006", Warning, Header, "填报日期晚于预算年度", "填报日期所在年份晚于预算年度，申报表应在预算年度开始前或当年填报。"),
    rule!("H007", Warning, Header, "金额单位与模板不同", "表头的金额单位应与模板一致（通常为万元）。"),
    rule!("H008", Error, Header, "部门职能概述为空", "部门职能概述至少要有一段文字。"),
    rule!("H009", Error, Header, "年度工作任务为空", "年度工作任务至少要有一段文字。"),
    rule!("H010", Warning, Header, "文字中含网页标记", "文字中出现 `<p>` 等 HTML 标记，多为从系统复制时带入，应删除。"),
    rule!("H011", Error, Header, "文字过长", "单个文字栏目不超过 10000 字；更长的内容多为误粘贴。"),
    rule!("H012", Warning, Header, "空段落", "部门职能概述、年度工作任务和目标的各段不应为空。"),
    rule!("F001", Error, Funding, "缺少模板规定的资金行", "收入构成和支出构成必须包含模板规定的每一行（金额为 0 也要列出）。"),
    rule!("F002", Error, Funding, "未知的资金行", "资金行的 key 必须是模板规定的行之一。"),
    rule!("F003", Warning, Funding, "资金行名称与模板不同", "资金行的名称应与模板的名称或别名一致。"),
    rule!("F004", Error, Funding, "各行相加与合计不符", "每个资金构成的各行相加应等于合计行，当年、上年、前年三列分别核对；允许误差为模板的 money_tolerance。"),
    rule!("F005", Error, Funding, "收入合计与支出合计不符", "收入构成合计应等于支出构成合计（模板参数 income_equals_expenditure），三列分别核对。"),
    rule!("F006", Error, Funding, "占比计算有误", "占比 = 当年金额 ÷ 合计，保留两位小数；填报值与计算值之差不超过模板的 share_tolerance。"),
    rule!("F007", Error, Funding, "合计行占比不是 100%", "合计不为 0 时，合计行占比应为 100%。"),
    rule!("F008", Error, Funding, "金额为负数", "资金金额不能为负数。"),
    rule!("F009", Error, Funding, "当年金额未填", "每个资金行和合计行都要填当年金额（没有时填 0）。"),
    rule!("F010", Warning, Funding, "近两年金额部分未填", "上年或前年一列中有的行填了金额、有的行没填。"),
    rule!("F011", Warning, Funding, "近两年列的年度有误", "“上年”列应为预算年度 − 1，“前年”列应为预算年度 − 2。"),
    rule!("F012", Error, Funding, "资金行重复", "同一资金行在一个构成中只能出现一次。"),
    rule!("P001", Error, Projects, "项目名称为空", "每个项目都要填写项目名称。"),
    rule!("P002", Error, Projects, "项目类别不在模板中", "支出项目类别必须是模板规定的类别之一。"),
    rule!("P003", Error, Projects, "本年度预算大于总预算", "项目本年度预算不能超过项目总预算。"),
    rule!("P004", Error, Projects, "项目金额为负数", "项目总预算和本年度预算不能为负数。"),
    rule!("P005", Error, Projects, "项目本年度预算未填", "每个项目都要填写本年度预算。"),
    rule!("P006", Warning, Projects, "项目总预算未填", "项目总预算应填写（一次性项目与本年度预算相同）。"),
    rule!("P007", Warning, Projects, "项目预算合计与支出构成不符", "同一类别项目的本年度预算之和（保留两位小数）应等于支出构成中对应行的当年金额；未列出全部项目的单位可说明原因。"),
    rule!("P008", Warning, Projects, "项目名称重复", "同名项目可能是重复录入。"),
    rule!("P009", Info, Projects, "未填支出方向和用途", "项目主要支出方向和用途宜简要说明。"),
    rule!("G001", Warning, Goals, "长期目标截止年度早于预算年度", "长期目标的截止年度不应早于预算年度。"),
    rule!("G002", Warning, Goals, "未填长期目标截止年度", "长期目标应写明截止年度（截止 YYYY 年）。"),
    rule!("G003", Error, Goals, "没有长期目标", "整体绩效总目标中的长期目标至少一条。"),
    rule!("G004", Error, Goals, "没有年度目标", "整体绩效总目标中的年度目标至少一条。"),
    rule!("G005", Warning, Goals, "指标表上方的目标为空", "长期绩效指标和年度绩效指标表上方的目标文字应填写。"),
    rule!("I001", Error, Indicators, "指标行数过多", "一张指标表的三级指标行数不超过模板参数 max_indicator_rows；超过时不再逐行检查该表。"),
    rule!("I002", Error, Indicators, "指标表为空", "每张指标表至少要有一个三级指标。"),
    rule!("I003", Error, Indicators, "一级指标不在模板中", "一级指标必须是模板指标框架中的一项。"),
    rule!("I004", Error, Indicators, "二级指标不在模板中", "二级指标必须是所属一级指标下模板规定的一项（编号节点如“核心业务产出1”按名称前缀匹配）。"),
    rule!("I005", Error, Indicators, "缺少一级指标", "模板的每个一级指标下至少要有一个三级指标。"),
    rule!("I006", Error, Indicators, "缺少必填的二级指标", "模板标为必填的二级指标下至少要有一个三级指标。"),
    rule!("I007", Warning, Indicators, "编号二级指标编号不连续", "编号的二级指标（如核心业务产出1…n）应从 1 连续编号。"),
    rule!("I008", Error, Indicators, "三级指标名称为空", "每个三级指标都要有名称。"),
    rule!("I009", Error, Indicators, "指标值未填", "模板要求填写指标值（required_columns 含 target）。"),
    rule!("I010", Error, Indicators, "指标值无法识别", "指标值应为“计算符号 + 数字 + 单位”（如 ≥90%、≥4 项）、定性词（如 健全）或“不适用”。"),
    rule!("I011", Error, Indicators, "定量指标值缺少计量单位", "定量指标值必须带计量单位（如 %、项、家）。"),
    rule!("I012", Info, Indicators, "计量单位不常用", "计量单位不在模板的常用单位列表中，请确认。"),
    rule!("I013", Info, Indicators, "定性指标值不常用", "定性指标值不在模板的常用列表中，请确认是否笔误。"),
    rule!("I014", Error, Indicators, "计算符号不在模板允许范围", "计算符号必须是模板允许的符号之一。"),
    rule!("I015", Error, Indicators, "百分比超出 0–100%", "满意度等有界指标（模板参数 bounded_percent_nodes）的百分比必须在 0% 到 100% 之间。"),
    rule!("I016", Error, Indicators, "指标值确定依据未填", "模板要求填写指标值确定依据（required_columns 含 basis）。"),
    rule!("I017", Error, Indicators, "指标值确定依据不在字典中", "指标值确定依据必须是模板字典中的一项（计划标准、历史标准、行业标准、预算支出标准、其他标准）。"),
    rule!("I018", Error, Indicators, "指标分类未填", "模板要求填写指标分类（required_columns 含 class）。"),
    rule!("I019", Error, Indicators, "指标分类不在字典中", "指标分类必须是模板字典中的一项（基本型、创新型）。"),
    rule!("I020", Info, Indicators, "指标分类与惯例不同", "该一级指标下的指标通常为模板给出的分类（如运行成本为基本型、履职效能为创新型）。", aggregated),
    rule!("I021", Warning, Indicators, "非成本指标以预算支出标准为依据", "预算支出标准（模板参数 cost_basis）只适用于成本指标；其他指标应以计划、历史或行业标准为依据。", aggregated),
    rule!("I022", Error, Indicators, "必填栏目未填", "模板 required_columns 要求的其他栏目（指标解释、评分标准、权重、近两年指标值）必须填写。"),
    rule!("I023", Warning, Indicators, "三级指标重名", "同一二级指标下不应有两个同名的三级指标。"),
    rule!("I024", Warning, Indicators, "前年、上年与当年指标值相同", "年度指标的前年、上年两列应为过去的实际值；三列完全相同多为照抄目标值。", aggregated),
    rule!("I025", Warning, Indicators, "前年、上年填的是目标值", "前年、上年两列应填实际完成值，不应带 ≥、≤ 等计算符号。", aggregated),
    rule!("I026", Warning, Indicators, "不应填写的近两年指标值", "长期指标表、以及模板没有近两年列的年度表，不应填写前年、上年值。"),
    rule!("I027", Error, Indicators, "权重超出范围", "权重应在 0 到 100 之间。"),
    rule!("I028", Warning, Indicators, "部分指标未填权重", "填了权重时，同一张表的每个指标都应有权重。"),
    rule!("L001", Warning, Indicators, "目标比本单位上年实际差", "指标库辅助审核：正向指标的目标低于本单位同一指标的上年值（反向指标则高于上年值），目标一般不应比上年差。仅在使用指标库校验时检查。"),
    rule!("L002", Warning, Indicators, "目标超出本区划的常见范围", "指标库辅助审核：数值目标超出本区划同一指标（同名同单位）目标值 p10–p90 范围之外一倍跨度以上；消息给出范围和所依据的申报表数。至少 5 个数值目标时才检查。"),
    rule!("L003", Warning, Indicators, "应为数值的目标写成了模糊表述", "指标库辅助审核：目标为“较好、有效、进一步”等模糊表述，而指标库中该指标多为数值，或二级指标为数量指标。"),
    rule!("L004", Warning, Indicators, "年度指标表照抄上年而预算变化较大", "指标库辅助审核：年度绩效指标表的个性指标及其目标值与本单位上一年度的申报表完全相同，而支出合计变化 20% 以上；指标和目标值应随预算调整。共性指标不参与比较，个性指标少于 3 个时不检查。"),
    rule!("L005", Warning, Indicators, "与本区划其他单位的年度指标表相同", "指标库辅助审核：年度绩效指标表的个性指标及其目标值与本区划另一单位同一年度的申报表完全相同，疑似照搬；消息列出相同的单位。"),
    rule!("L006", Warning, Indicators, "缺少模板规定的共性指标", "指标库辅助审核：模板的共性指标（common_indicators）各单位均应申报；表中有指标而缺少某个共性指标时提示。"),
    rule!("L007", Warning, Indicators, "满意度目标低于 80%", "指标库辅助审核：满意度类指标（一级或二级指标含“满意度”）的百分比目标低于 80%，或在模板未设上限的节点高于 100%。"),
    rule!("L008", Info, Indicators, "计量单位或方向与指标库不一致", "指标库辅助审核：三级指标名称与本区划指标库中的指标相同，但计量单位不同，或方向相反（≥ 与 ≤），且该条目已由财政审定，或指标库中至少 2 份申报表一致采用另一种写法。"),
    rule!("X001", Warning, Cross, "指标只出现在一张表中", "长期绩效指标和年度绩效指标通常列出同样的指标；只在一张表中出现的指标请核对。", aggregated),
    rule!("X002", Info, Cross, "两表同一位置的指标名称不同", "同一二级指标下，长期表与年度表的三级指标名称不同；若是同一指标，宜统一名称。", aggregated),
    rule!("X003", Warning, Cross, "两表同名指标的定性值不同", "长期表与年度表中同名指标的定性指标值不同，可能是笔误（如“规划”与“规范”）。"),
    rule!("X004", Warning, Cross, "两表同名指标的计分方向或类型不同", "同名指标在一张表中为越大越好、在另一张表中为越小越好（或一为定量一为定性），计分方式会不同。"),
    rule!("X005", Warning, Cross, "两表同名指标的计量单位不同", "同名指标的计量单位应一致。"),
    rule!("X006", Warning, Cross, "两表同名指标的分类不同", "同名指标在两张表中的指标分类应一致。"),
    rule!("X007", Warning, Cross, "年度工作任务中的数字没有指标衡量", "年度工作任务中承诺的数字（如 15 家、95%）应在某个指标的指标值中出现；百分数与百分数比较，其余数量只比较数字。"),
];

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// The catalogue as Markdown: the content of `docs/rules.md`.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "# 校验规则目录（Validation rules）\n\n\
         Generated from `crates/jixiao-domain/src/validate/catalogue.rs` — do not edit by hand.\n\
         Regenerate with `JIXIAO_BLESS=1 cargo test -p jixiao-domain --test docs`.\n\n\
         Each finding carries the rule's code, its severity (`error` 错误: the form is wrong; \
         `warning` 警告: a reviewer should look; `info` 提示: for information), a JSON Pointer \
         into the canonical form and a Chinese message naming the values involved. A template can \
         switch rules off by code (`rules.disabled`). Rules marked （汇总） report one finding per \
         table when the same cause repeats on more than three rows.\n",
    );
    for section in Section::ALL {
        out.push_str(&format!(
            "\n## {}（{}）\n\n",
            section.label(),
            section.key()
        ));
        out.push_str("| 代码 | 级别 | 规则 | 说明 |\n|---|---|---|---|\n");
        for r in RULES.iter().filter(|r| r.section == section) {
            let mark = if r.aggregated { "（汇总）" } else { "" };
            out.push_str(&format!(
                "| {} | {} {} | {}{} | {} |\n",
                r.code,
                r.severity.label(),
                r.severity.key(),
                r.title,
                mark,
                r.description
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_sorted_and_prefixed_by_section() {
        for pair in RULES.windows(2) {
            assert!(
                (pair[0].section, pair[0].code) < (pair[1].section, pair[1].code),
                "{} then {}",
                pair[0].code,
                pair[1].code
            );
        }
        for r in RULES {
            let prefix = match r.section {
                Section::Header => 'H',
                Section::Funding => 'F',
                Section::Projects => 'P',
                Section::Goals => 'G',
                Section::Indicators => 'I',
                Section::Cross => 'X',
            };
            assert!(
                // Library aids (L…) are indicator findings with their own prefix.
                (r.code.starts_with(prefix)
                    || (r.section == Section::Indicators && r.code.starts_with('L')))
                    && r.code.len() == 4,
                "{}",
                r.code
            );
        }
    }
}
