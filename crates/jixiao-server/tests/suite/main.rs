//! The server's integration tests, in one test binary: six binaries each linked the whole
//! application (axum, sqlx, typst), which made linking most of the suite's build time.

#[macro_use]
mod common;
#[allow(dead_code)]
#[path = "../../../jixiao-web/tests/support/browser.rs"]
mod browser;
mod page_helpers;

mod dashboard;
mod declaration;
mod departments;
mod e2e_browser;
mod faults;
mod library;
mod matrix;
mod metrics;
mod ocr_jobs;
mod pages;
mod pages_admin;
mod public;
mod region_tree;
mod rounds;
mod route_fuzz;
mod security;
mod slow_clients;
mod two_instances;
mod workflow;
