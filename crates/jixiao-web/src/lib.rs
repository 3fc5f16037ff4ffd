//! # jixiao-web
//!
//! The presentation layer of jixiao: view models (plain, serializable structs), page render
//! functions over escaping templates (minijinja, auto-escape on, templates embedded in the
//! binary), the embedded CSS/JS assets, and [`form_from_fields`] for the editor's no-JavaScript
//! save. This crate knows nothing of the server or the database: the server fills the view
//! models and sends the rendered HTML.

mod assets;
pub mod charts;
pub mod declaration;
mod editor;
mod engine;
mod fields;
mod labels;
pub mod library;
pub mod lifecycle;
mod pages;
pub mod public;
mod review;
pub mod views;

pub use assets::{ASSET_PREFIX, asset, asset_paths};
pub use fields::form_from_fields;
pub use labels::{form_order, path_label, role_label, status_label};
pub use pages::*;
pub use public::*;
pub use review::{ReviewDecision, review_from_fields};
pub use views::*;

/// Why a page could not be rendered (a bug in a template or a view model, never user input).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The template engine failed.
    #[error("页面渲染失败：{0}")]
    Template(#[from] minijinja::Error),
}
