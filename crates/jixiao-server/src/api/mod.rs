//! The JSON API handlers, one file per area.

pub mod admin;
pub mod forms;
pub mod history;
pub mod library;
pub mod misc;
pub mod reports;
pub mod rounds;
pub mod session;
pub mod workflow;
