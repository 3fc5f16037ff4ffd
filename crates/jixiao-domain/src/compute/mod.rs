//! Derived figures: totals and shares of the funding blocks (used by the validator, the exports
//! and the web editor), and the self-evaluation scoring functions (DOMAIN.md §4). Small and pure.

pub mod funding;
pub mod scoring;

pub use funding::{
    BlockFigures, Column, ColumnFigures, FundingFigures, block_figures, funding_figures,
};
pub use scoring::{
    Achievement, Grade, GradeBands, QuantScore, score_qualitative, score_quantitative, total_score,
};
