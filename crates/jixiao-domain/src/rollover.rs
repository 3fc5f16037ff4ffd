//! New forms: blank from a template, or rolled over from last year's approved form.

use crate::form::FiscalYear;
use crate::form::{
    Funding, FundingAmounts, FundingBlock, FundingRow, Goals, Header, Indicators, TemplateRef,
};
use crate::{Form, Template};

/// An empty form of a template for a unit and year: the template's funding rows without
/// amounts, no paragraphs, no indicator rows.
pub fn blank_form(template: &Template, year: FiscalYear, unit_name: &str) -> Form {
    let block = |rows: &[crate::template::FundingRowDef]| FundingBlock {
        rows: rows
            .iter()
            .map(|r| FundingRow {
                key: r.key.clone(),
                name: r.name.clone(),
                amounts: FundingAmounts::default(),
            })
            .collect(),
        total: FundingAmounts::default(),
    };
    Form {
        template: TemplateRef {
            id: template.id.clone(),
            version: template.version,
        },
        header: Header {
            fiscal_year: year,
            fill_date: None,
            unit_name: unit_name.to_string(),
            filler: None,
            phone: None,
            amount_unit: template.amount_unit.clone(),
        },
        funding: Funding {
            last_year: year.minus(1),
            year_before: year.minus(2),
            income: block(&template.funding.income),
            expenditure: block(&template.funding.expenditure),
        },
        functions: Vec::new(),
        annual_tasks: Vec::new(),
        projects: Vec::new(),
        goals: Goals::default(),
        indicators: Indicators::default(),
    }
}

/// The indicator tables a new form starts with: the template's common rows (共性指标) in both
/// the long-term and the annual table, for the unit to keep, adjust and add its own to.
pub fn common_indicators(template: &Template) -> Indicators {
    let mut indicators = Indicators::default();
    indicators.long_term.rows = template.common_indicators.clone();
    indicators.annual.rows = template.common_indicators.clone();
    indicators
}

/// Next year's form from this year's approved one: the year moves on by one; the funding
/// columns shift (当年 → 上年 → 前年, 当年 emptied, shares cleared); in the annual table the
/// 上年 value becomes 前年 and this year's target becomes 上年 (the target stays as a starting
/// point); the fill date, the filler and the phone number are cleared. Functions, tasks, projects, goals and indicators are kept
/// for the unit to revise.
pub fn roll_forward(old: &Form) -> Form {
    let mut f = old.clone();
    let year = old.header.fiscal_year.next();
    f.header.fiscal_year = year;
    f.header.fill_date = None;
    // Personal fields belong to whoever fills the new form, not to last year's filler.
    f.header.filler = None;
    f.header.phone = None;
    f.funding.last_year = old.header.fiscal_year;
    f.funding.year_before = old.funding.last_year;
    let shift = |a: &mut FundingAmounts| {
        a.year_before = a.last_year;
        a.last_year = a.current;
        a.current = None;
        a.share = None;
    };
    for block in [&mut f.funding.income, &mut f.funding.expenditure] {
        for row in &mut block.rows {
            shift(&mut row.amounts);
        }
        shift(&mut block.total);
    }
    for row in &mut f.indicators.annual.rows {
        row.year_before = row.last_year.take();
        row.last_year = row.target.clone();
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Form {
        serde_json::from_str(include_str!("../../../fixtures/seed/seed.form.json")).unwrap()
    }

    #[test]
    fn rollover_shifts_years_and_columns() {
        let old = seed();
        let new = roll_forward(&old);
        assert_eq!(new.header.fiscal_year.get(), 2027);
        assert_eq!(new.funding.last_year.get(), 2026);
        assert_eq!(new.funding.year_before.get(), 2025);
        let (o, n) = (
            &old.funding.income.rows[0].amounts,
            &new.funding.income.rows[0].amounts,
        );
        assert_eq!(n.last_year, o.current);
        assert_eq!(n.year_before, o.last_year);
        assert_eq!(n.current, None);
        assert_eq!(
            new.funding.expenditure.total.last_year,
            old.funding.expenditure.total.current
        );
        let (oa, na) = (
            &old.indicators.annual.rows[0],
            &new.indicators.annual.rows[0],
        );
        assert_eq!(na.year_before, oa.last_year);
        assert_eq!(na.last_year, oa.target);
        assert_eq!(
            new.indicators.annual.rows.len(),
            old.indicators.annual.rows.len()
        );
    }

    #[test]
    fn blank_form_has_template_rows() {
        let reg = crate::Registry::default();
        let t = reg.get("hubei-dept-2026", None).unwrap();
        let f = blank_form(t, FiscalYear::new(2027).unwrap(), "测试单位");
        assert_eq!(f.funding.income.rows.len(), t.funding.income.len());
        assert_eq!(f.funding.year_before.get(), 2025);
        assert!(f.indicators.annual.rows.is_empty());
    }
}
