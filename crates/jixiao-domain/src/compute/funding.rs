//! Totals and shares of 收入构成 and 支出构成.

use crate::form::{Funding, FundingAmounts, FundingBlock};
use crate::money::{Money, Percent};

/// One amount column of a funding block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// 当年金额.
    Current,
    /// 上年 (budget year − 1).
    LastYear,
    /// 前年 (budget year − 2).
    YearBefore,
}

impl Column {
    /// The three columns, in printed order.
    pub const ALL: [Column; 3] = [Column::Current, Column::LastYear, Column::YearBefore];

    /// The JSON key of the column (`current`, `last_year`, `year_before`).
    pub fn key(self) -> &'static str {
        match self {
            Column::Current => "current",
            Column::LastYear => "last_year",
            Column::YearBefore => "year_before",
        }
    }

    /// The column's Chinese name with its year (`当年金额`, `上年（2025 年）`).
    pub fn label(self, funding: &Funding) -> String {
        match self {
            Column::Current => "当年金额".to_string(),
            Column::LastYear => format!("上年（{} 年）金额", funding.last_year),
            Column::YearBefore => format!("前年（{} 年）金额", funding.year_before),
        }
    }

    /// The amount of this column in a row.
    pub fn of(self, a: &FundingAmounts) -> Option<Money> {
        match self {
            Column::Current => a.current,
            Column::LastYear => a.last_year,
            Column::YearBefore => a.year_before,
        }
    }
}

/// The figures of one column of a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnFigures {
    /// Which column.
    pub column: Column,
    /// The exact sum of the rows' amounts (empty cells count as 0); `None` when no row has one.
    pub sum: Option<Money>,
    /// The 合计 as entered.
    pub entered_total: Option<Money>,
    /// How many rows leave this column empty.
    pub missing_rows: usize,
}

impl ColumnFigures {
    /// The total to use for display and shares: the computed sum, else the entered total.
    pub fn total(&self) -> Option<Money> {
        self.sum.or(self.entered_total)
    }
}

/// The computed figures of a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockFigures {
    /// Current, last-year and year-before columns, in that order.
    pub columns: [ColumnFigures; 3],
    /// Each row's computed share of the computed current total (`None` when the row has no
    /// current amount or the total is 0).
    pub shares: Vec<Option<Percent>>,
}

impl BlockFigures {
    /// The figures of one column.
    pub fn column(&self, c: Column) -> &ColumnFigures {
        &self.columns[c as usize]
    }
}

/// The computed figures of both blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingFigures {
    /// 收入构成.
    pub income: BlockFigures,
    /// 支出构成.
    pub expenditure: BlockFigures,
}

fn column_figures(block: &FundingBlock, column: Column) -> ColumnFigures {
    let mut sum: Option<Money> = None;
    let mut missing_rows = 0;
    for row in &block.rows {
        match column.of(&row.amounts) {
            Some(m) => {
                let acc = sum.unwrap_or(Money::ZERO);
                sum = Some(acc.checked_add(m).unwrap_or(acc));
            }
            None => missing_rows += 1,
        }
    }
    ColumnFigures {
        column,
        sum,
        entered_total: column.of(&block.total),
        missing_rows,
    }
}

/// Computes the totals of each column and the shares of the current amounts.
pub fn block_figures(block: &FundingBlock) -> BlockFigures {
    let columns = Column::ALL.map(|c| column_figures(block, c));
    let total = columns[0].total().unwrap_or(Money::ZERO);
    let shares = block
        .rows
        .iter()
        .map(|r| r.amounts.current.and_then(|m| m.share_of(total)))
        .collect();
    BlockFigures { columns, shares }
}

/// Computes the figures of both blocks.
pub fn funding_figures(f: &Funding) -> FundingFigures {
    FundingFigures {
        income: block_figures(&f.income),
        expenditure: block_figures(&f.expenditure),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::FundingRow;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn row(key: &str, cur: Option<&str>, last: Option<&str>) -> FundingRow {
        FundingRow {
            key: key.into(),
            name: key.into(),
            amounts: FundingAmounts {
                current: cur.map(m),
                share: None,
                last_year: last.map(m),
                year_before: None,
            },
        }
    }

    #[test]
    fn sums_and_shares_of_the_seed_expenditure() {
        let block = FundingBlock {
            rows: vec![
                row("a", Some("846.33"), Some("729.35")),
                row("b", Some("82.26"), Some("79.85")),
                row("c", Some("751.01"), Some("361")),
            ],
            total: FundingAmounts {
                current: Some(m("1679.6")),
                ..Default::default()
            },
        };
        let f = block_figures(&block);
        assert_eq!(f.column(Column::Current).sum, Some(m("1679.60")));
        assert_eq!(f.column(Column::LastYear).sum, Some(m("1170.2")));
        assert_eq!(f.column(Column::YearBefore).sum, None);
        assert_eq!(f.column(Column::YearBefore).missing_rows, 3);
        let shares: Vec<String> = f.shares.iter().map(|s| s.unwrap().display2()).collect();
        assert_eq!(shares, ["50.39%", "4.90%", "44.71%"]);
    }

    #[test]
    fn zero_total_gives_no_shares() {
        let block = FundingBlock {
            rows: vec![row("a", Some("0"), None)],
            total: FundingAmounts::default(),
        };
        let f = block_figures(&block);
        assert_eq!(f.shares, vec![None]);
        assert_eq!(f.column(Column::Current).total(), Some(Money::ZERO));
    }
}
